extension EvaluationReport {
    /// One series of a PR or ROC chart: a threshold sweep, or a single operating point on it.
    struct Curve {
        var name: String
        var style: SeriesStyle
        var sweep: [Evaluation.SweepPoint]
        /// A lone marked point (e.g. the threshold holding FPR ≤ 1 %) rather than a curve.
        var operatingPoint = false
    }

    /// Recall on x, precision on y. Thresholds where nothing fired have no
    /// precision and are left out.
    func precisionRecallChart(id: String, title: String, series: [Curve]) -> SVGLineChart {
        SVGLineChart(id: id, title: title, xLabel: "recall (true-positive rate)", yLabel: "precision", series: series.map { curve in
            let defined = curve.sweep.filter { $0.truePositiveRate > 0 || $0.precision > 0 }
            let points = Self.mergedPoints(defined, x: \.truePositiveRate, y: \.precision).sorted { ($0.x, -$0.y) < ($1.x, -$1.y) }
            return SVGLineChart.Series(name: curve.name, style: curve.style, points: points, drawsLine: !curve.operatingPoint)
        })
    }

    /// False-positive rate on x, true-positive rate on y, from (0, 0) (a
    /// threshold above every score) toward (1, 1) (threshold 0: everything
    /// fires). Detectors are judged at false-positive rates of a few percent at
    /// most, so the x axis ends at the smallest of 0.02, 0.05, 0.1, 0.2, 0.5, 1
    /// that shows every measured point; the line toward (1, 1) is cut at that edge.
    func rocChart(id: String, title: String, series: [Curve]) -> SVGLineChart {
        let largestRate = series.flatMap { $0.sweep.map(\.falsePositiveRate) }.max() ?? 0
        let upper = [0.02, 0.05, 0.1, 0.2, 0.5, 1].first { $0 >= largestRate * 1.25 } ?? 1
        let xLabel = upper < 1 ? "false-positive rate (axis zoomed to 0–\(upper))" : "false-positive rate"
        return SVGLineChart(id: id, title: title, xLabel: xLabel, yLabel: "true-positive rate", series: series.map { curve in
            let measured = Self.mergedPoints(curve.sweep, x: \.falsePositiveRate, y: \.truePositiveRate).sorted { ($0.x, $0.y) < ($1.x, $1.y) }
            if curve.operatingPoint {
                return SVGLineChart.Series(name: curve.name, style: curve.style, points: measured, drawsLine: false)
            }
            var points = [SVGLineChart.Point(x: 0, y: 0, tooltip: "nothing fires")] + measured
            let last = points[points.count - 1]
            // Where the straight line from the last measured point to (1, 1) meets the right edge.
            let edgeY = last.x >= 1 ? 1 : last.y + (1 - last.y) * (upper - last.x) / (1 - last.x)
            points.append(SVGLineChart.Point(x: upper, y: edgeY, tooltip: "toward everything firing (1, 1)"))
            return SVGLineChart.Series(name: curve.name, style: curve.style, points: points, unmarked: [0, points.count - 1])
        }, chanceDiagonal: true, xUpperBound: upper)
    }

    /// One point per distinct (x, y): thresholds that give the same rates share
    /// a marker whose tooltip names the range of thresholds.
    static func mergedPoints(_ sweep: [Evaluation.SweepPoint], x: KeyPath<Evaluation.SweepPoint, Double>,
                             y: KeyPath<Evaluation.SweepPoint, Double>) -> [SVGLineChart.Point] {
        var groups: [(x: Double, y: Double, points: [Evaluation.SweepPoint])] = []
        for point in sweep {
            if let last = groups.last, abs(last.x - point[keyPath: x]) < 1e-12, abs(last.y - point[keyPath: y]) < 1e-12 {
                groups[groups.count - 1].points.append(point)
            } else {
                groups.append((point[keyPath: x], point[keyPath: y], [point]))
            }
        }
        return groups.map { group in
            let low = group.points[0].threshold, high = group.points[group.points.count - 1].threshold
            let thresholds = low == high ? "threshold \(HTMLWriter.decimal(low, places: 2))"
                : "thresholds \(HTMLWriter.decimal(low, places: 2))–\(HTMLWriter.decimal(high, places: 2))"
            let sample = group.points[0]
            return SVGLineChart.Point(x: group.x, y: group.y, tooltip: """
                \(thresholds): TPR \(HTMLWriter.decimal(sample.truePositiveRate, places: 3)), \
                FPR \(HTMLWriter.decimal(sample.falsePositiveRate, places: 3)), \
                precision \(HTMLWriter.decimal(sample.precision, places: 3))
                """)
        }
    }
}
