/// A line chart over the unit square: PR and ROC curves. Each series is a
/// polyline with a marker on every point whose tooltip names the threshold
/// it came from; a legend above the plot names each series by its line and marker.
struct SVGLineChart {
    struct Point {
        var x: Double
        var y: Double
        /// Shown when the pointer rests on the marker, e.g. the threshold.
        var tooltip: String
    }

    struct Series {
        var name: String
        var style: SeriesStyle
        var points: [Point]
        /// Points drawn without a marker (curve end points that are not measurements).
        var unmarked: Set<Int> = []
        /// False for a series of single marked points (an operating point), not a curve.
        var drawsLine = true
    }

    var id: String
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// ROC charts draw the diagonal a random detector would follow.
    var chanceDiagonal = false
    /// The x axis runs from 0 to this (ROC charts zoom in on low false-positive rates).
    var xUpperBound = 1.0

    func render(into writer: inout HTMLWriter) {
        var frame = SVGPlotFrame()
        let legendRows = series.count + (chanceDiagonal ? 1 : 0)
        frame.top = 14 + 16 * Double(legendRows)
        frame.height = frame.top + 210 + frame.bottom
        frame.xRange = 0...xUpperBound
        let description = series.map { "\($0.name): \($0.points.count) points" }.joined(separator: "; ")
        frame.svg(id: id, title: title, description: description, into: &writer) { svg in
            frame.drawAxes(xLabel: xLabel, yLabel: yLabel, xTicks: SVGPlotFrame.ticks(upTo: xUpperBound), yTicks: SVGPlotFrame.unitTicks, into: &svg)
            if chanceDiagonal {
                svg.empty("line", [("class", "chance"), ("x1", SVGPlotFrame.format(frame.x(0))), ("y1", SVGPlotFrame.format(frame.y(0))),
                                   ("x2", SVGPlotFrame.format(frame.x(xUpperBound))), ("y2", SVGPlotFrame.format(frame.y(xUpperBound))),
                                   ("stroke", "#999999"), ("stroke-dasharray", "1 4")])
            }
            for line in series {
                svg.element("g", [("class", "series"), ("data-series", line.name)]) { group in
                    let points = line.points.map { (frame.x($0.x), frame.y($0.y)) }
                    if line.drawsLine {
                        group.element("path", [("class", "curve"), ("d", Self.path(points)), ("fill", "none"), ("stroke", line.style.colour),
                                               ("stroke-width", "2"), ("stroke-dasharray", line.style.dash)]) {
                            $0.element("title", text: "\(line.name) — \(title)")
                        }
                    }
                    for (index, point) in line.points.enumerated() where !line.unmarked.contains(index) {
                        line.style.drawMarker(x: frame.x(point.x), y: frame.y(point.y), tooltip: point.tooltip, into: &group)
                    }
                }
            }
            drawLegend(frame: frame, into: &svg)
        }
    }

    private func drawLegend(frame: SVGPlotFrame, into writer: inout HTMLWriter) {
        writer.element("g", [("class", "legend"), ("font-size", "11")]) { legend in
            var y = 14.0
            for line in series {
                let x = frame.left + 4
                if line.drawsLine {
                    legend.empty("line", [("x1", SVGPlotFrame.format(x)), ("x2", SVGPlotFrame.format(x + 28)), ("y1", SVGPlotFrame.format(y)),
                                          ("y2", SVGPlotFrame.format(y)), ("stroke", line.style.colour), ("stroke-width", "2"),
                                          ("stroke-dasharray", line.style.dash)])
                }
                line.style.drawMarker(x: x + 14, y: y, tooltip: line.name, into: &legend)
                legend.element("text", [("x", SVGPlotFrame.format(x + 36)), ("y", SVGPlotFrame.format(y + 4))], text: line.name)
                y += 16
            }
            if chanceDiagonal {
                let x = frame.left + 4
                legend.empty("line", [("x1", SVGPlotFrame.format(x)), ("x2", SVGPlotFrame.format(x + 28)), ("y1", SVGPlotFrame.format(y)),
                                      ("y2", SVGPlotFrame.format(y)), ("stroke", "#999999"), ("stroke-dasharray", "1 4")])
                legend.element("text", [("x", SVGPlotFrame.format(x + 36)), ("y", SVGPlotFrame.format(y + 4))], text: "chance")
            }
        }
    }

    /// `M x,y L x,y …` through the points, in order.
    static func path(_ points: [(Double, Double)]) -> String {
        points.enumerated().map { index, point in
            (index == 0 ? "M" : "L") + "\(SVGPlotFrame.format(point.0)),\(SVGPlotFrame.format(point.1))"
        }.joined(separator: " ")
    }
}
