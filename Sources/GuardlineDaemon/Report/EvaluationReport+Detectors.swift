extension EvaluationReport {
    /// TP/FP/TN/FN, TPR, FPR, precision, F1 and the FPR ≤ 1 % threshold: overall, then each detector.
    func writeMetricsTable(into writer: inout HTMLWriter) {
        writer.element("table", [("class", "metrics")]) { table in
            table.element("caption", text: "Event-level metrics")
            headerRow(["detector", "TP", "FP", "TN", "FN", "TPR (recall)", "FPR", "precision", "F1", "threshold for FPR ≤ 1 %"], into: &table)
            metricsRow("overall (enforcing)", evaluation.overall, threshold: evaluation.thresholdForOnePercentFPR, overall: true, into: &table)
            for (name, confusion) in evaluation.detectors.sorted(by: { $0.key < $1.key }) {
                let threshold = evaluation.detectorSweeps[name].flatMap { Evaluation.lowestThreshold(in: $0, maximumFalsePositiveRate: 0.01) }
                metricsRow(name, confusion, threshold: threshold, overall: false, into: &table)
            }
        }
    }

    private func metricsRow(_ name: String, _ confusion: Evaluation.Confusion, threshold: Double?, overall: Bool, into writer: inout HTMLWriter) {
        writer.element("tr", overall ? [("class", "overall")] : []) { row in
            row.element("td", [("class", "name")], text: name)
            for count in [confusion.truePositives, confusion.falsePositives, confusion.trueNegatives, confusion.falseNegatives] {
                row.element("td", [("class", "number")], text: String(count))
            }
            for rate in [confusion.truePositiveRate, confusion.falsePositiveRate, confusion.precision, confusion.f1] {
                row.element("td", [("class", "number")], text: HTMLWriter.decimal(rate, places: 3))
            }
            row.element("td", [("class", "number")], text: threshold.map { HTMLWriter.decimal($0, places: 2) } ?? "none")
        }
    }

    /// A 2×2 confusion matrix as a table; each cell names its kind (TP, FN, …)
    /// in words as well as by its background.
    func writeConfusion(_ confusion: Evaluation.Confusion, caption: String, into writer: inout HTMLWriter) {
        writer.element("table", [("class", "confusion")]) { table in
            table.element("caption", text: caption)
            table.element("tr") { row in
                row.element("th", text: "actual \\ detector")
                row.element("th", [("scope", "col")], text: "fired")
                row.element("th", [("scope", "col")], text: "did not fire")
            }
            for (label, cells) in [("attack", [("true positive", confusion.truePositives, true), ("false negative", confusion.falseNegatives, false)]),
                                   ("benign", [("false positive", confusion.falsePositives, false), ("true negative", confusion.trueNegatives, true)])] {
                table.element("tr") { row in
                    row.element("th", [("scope", "row")], text: label)
                    for (kind, count, correct) in cells {
                        row.element("td", [("class", correct ? "correct" : "wrong")]) { cell in
                            cell.element("span", [("class", "cell-kind")], text: kind)
                            cell.text(String(count))
                        }
                    }
                }
            }
        }
    }

    /// One section per content detector: its confusion matrix, score histogram, and PR and ROC curves against overall.
    func writeDetectors(into writer: inout HTMLWriter) {
        writer.element("section", [("id", "detectors")]) { section in
            section.element("h2", text: "Each detector")
            section.element("p", [("class", "note")], text: """
                A detector reports a score only when it fires (its score reached its own threshold), so its curve has points \
                only at swept thresholds above that: lower thresholds give the same point, merged into one marker. \
                The grey dotted curve is overall, for reference. Hover a marker for its threshold and rates.
                """)
            for (index, name) in evaluation.detectors.keys.sorted().enumerated() {
                let confusion = evaluation.detectors[name] ?? Evaluation.Confusion()
                section.element("section", [("class", "detector"), ("id", "detector-\(index)")]) { card in
                    card.element("h3", text: name)
                    card.element("p", text: """
                        TPR \(HTMLWriter.decimal(confusion.truePositiveRate, places: 3)), \
                        FPR \(HTMLWriter.decimal(confusion.falsePositiveRate, places: 3)), \
                        precision \(HTMLWriter.decimal(confusion.precision, places: 3)), \
                        F1 \(HTMLWriter.decimal(confusion.f1, places: 3))
                        """)
                    card.element("div", [("class", "charts")]) { charts in
                        writeConfusion(confusion, caption: "Confusion matrix", into: &charts)
                        if let histogram = evaluation.histograms[name] {
                            writeHistogram(histogram, name: name, id: "detector-\(index)-scores", into: &charts)
                        }
                        let sweep = evaluation.detectorSweeps[name] ?? []
                        let series = [Curve(name: name, style: .secondary, sweep: sweep),
                                      Curve(name: "overall", style: .reference, sweep: evaluation.sweep)]
                        figure(caption: "PR curve of \(name)", into: &charts) {
                            precisionRecallChart(id: "detector-\(index)-pr", title: "PR curve — \(name)", series: series).render(into: &$0)
                        }
                        figure(caption: "ROC curve of \(name)", into: &charts) {
                            rocChart(id: "detector-\(index)-roc", title: "ROC curve — \(name)", series: series).render(into: &$0)
                        }
                    }
                }
            }
        }
    }

    private func writeHistogram(_ histogram: ScoreHistogram, name: String, id: String, into writer: inout HTMLWriter) {
        let groups = (0..<ScoreHistogram.binCount).map { HTMLWriter.decimal(Double($0) / Double(ScoreHistogram.binCount), places: 1) + "–" }
        let chart = SVGBarChart(id: id, title: "Scores of \(name): attack and benign events", xLabel: "score (bin start)",
                                yLabel: "events", groups: groups,
                                series: [.init(name: "attack", style: .primary, values: histogram.attackBins),
                                         .init(name: "benign", style: .secondary, values: histogram.benignBins)])
        figure(caption: "Scores where \(name) fired. It did not fire on \(histogram.attackNotFired) attack and \(histogram.benignNotFired) benign events.",
               into: &writer) { chart.render(into: &$0) }
    }
}
