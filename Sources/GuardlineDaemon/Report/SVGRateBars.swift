/// Horizontal bars of rates in [0, 1], one per row, each labelled with its
/// name on the left and its value and counts on the right: recall per
/// category. The numbers are written out, so the bar length is never the only carrier.
struct SVGRateBars {
    struct Row {
        var name: String
        var rate: Double
        /// E.g. "19/20", written after the rate.
        var detail: String
    }

    var id: String
    var title: String
    var xLabel: String
    var rows: [Row]
    var style = SeriesStyle.primary

    func render(into writer: inout HTMLWriter) {
        var frame = SVGPlotFrame()
        frame.width = 640
        frame.left = 190
        frame.right = 110
        frame.top = 12
        frame.height = frame.top + 22 * Double(max(1, rows.count)) + frame.bottom
        let description = rows.map { "\($0.name): \(HTMLWriter.decimal($0.rate, places: 3)) (\($0.detail))" }.joined(separator: "; ")
        frame.svg(id: id, title: title, description: description, into: &writer) { svg in
            frame.drawAxes(xLabel: xLabel, yLabel: "", xTicks: SVGPlotFrame.unitTicks, yTicks: [], into: &svg)
            for (index, row) in rows.enumerated() {
                let y = frame.top + 22 * Double(index) + 4
                svg.element("text", [("x", SVGPlotFrame.format(frame.left - 8)), ("y", SVGPlotFrame.format(y + 11)), ("text-anchor", "end"),
                                     ("font-size", "11")], text: Self.shortened(row.name))
                svg.element("rect", [("class", "bar"), ("x", SVGPlotFrame.format(frame.left)), ("y", SVGPlotFrame.format(y)),
                                     ("width", SVGPlotFrame.format(max(0, frame.x(min(1, row.rate)) - frame.left))), ("height", "14"),
                                     ("fill", style.colour)]) {
                    $0.element("title", text: "\(row.name): \(HTMLWriter.decimal(row.rate, places: 3)) (\(row.detail))")
                }
                svg.element("text", [("x", SVGPlotFrame.format(frame.x(min(1, row.rate)) + 6)), ("y", SVGPlotFrame.format(y + 11)),
                                     ("font-size", "11")], text: "\(HTMLWriter.decimal(row.rate, places: 3)) (\(row.detail))")
            }
        }
    }

    /// Long names are cut to fit the label column; the full name is in the bar's tooltip and the tables.
    static func shortened(_ name: String) -> String {
        name.count <= 28 ? name : String(name.prefix(27)) + "…"
    }
}
