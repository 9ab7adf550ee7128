/// Vertical bars in groups, one bar per series in each group: score
/// histograms (attack and benign per score bin). Counts are written above
/// non-empty bars and the second series is hatched, so the chart does not
/// rely on colour.
struct SVGBarChart {
    struct Series {
        var name: String
        var style: SeriesStyle
        /// One value per group.
        var values: [Int]
    }

    var id: String
    var title: String
    var xLabel: String
    var yLabel: String
    /// One label per group, under the axis.
    var groups: [String]
    var series: [Series]

    func render(into writer: inout HTMLWriter) {
        var frame = SVGPlotFrame()
        frame.top = 14 + 16 * Double(series.count)
        frame.height = frame.top + 170 + frame.bottom
        let largest = max(1, series.flatMap(\.values).max() ?? 1)
        let top = Self.niceCeiling(largest)
        frame.yRange = 0...Double(top)
        frame.xRange = 0...Double(max(1, groups.count))
        let ticks = stride(from: 0, through: top, by: max(1, top / 4)).map { (Double($0), String($0)) }
        let description = series.map { "\($0.name): " + zip(groups, $0.values).map { "\($0) \($1)" }.joined(separator: ", ") }
            .joined(separator: "; ")
        frame.svg(id: id, title: title, description: description, into: &writer) { svg in
            svg.element("defs") { defs in
                for (index, line) in series.enumerated() where line.style.hatched {
                    line.style.defineHatch(id: "\(id)-hatch-\(index)", into: &defs)
                }
            }
            frame.drawAxes(xLabel: xLabel, yLabel: yLabel, xTicks: [], yTicks: ticks, into: &svg)
            let groupWidth = frame.plotWidth / Double(max(1, groups.count))
            let barWidth = groupWidth * 0.8 / Double(max(1, series.count))
            for (groupIndex, label) in groups.enumerated() {
                let groupLeft = frame.x(Double(groupIndex)) + groupWidth * 0.1
                svg.element("text", [("x", SVGPlotFrame.format(groupLeft + groupWidth * 0.4)), ("y", SVGPlotFrame.format(frame.top + frame.plotHeight + 15)),
                                     ("text-anchor", "middle"), ("font-size", "10")], text: label)
                for (seriesIndex, line) in series.enumerated() {
                    let value = line.values[groupIndex]
                    let x = groupLeft + Double(seriesIndex) * barWidth
                    let y = frame.y(Double(value))
                    svg.element("rect", [("class", "bar"), ("x", SVGPlotFrame.format(x)), ("y", SVGPlotFrame.format(y)),
                                         ("width", SVGPlotFrame.format(max(1, barWidth - 1))),
                                         ("height", SVGPlotFrame.format(frame.top + frame.plotHeight - y)),
                                         ("fill", line.style.barFill(patternID: "\(id)-hatch-\(seriesIndex)")), ("stroke", line.style.colour)]) {
                        $0.element("title", text: "\(line.name), \(label): \(value)")
                    }
                    if value > 0 {
                        svg.element("text", [("x", SVGPlotFrame.format(x + barWidth / 2)), ("y", SVGPlotFrame.format(y - 3)),
                                             ("text-anchor", "middle"), ("font-size", "9")], text: String(value))
                    }
                }
            }
            svg.element("g", [("class", "legend"), ("font-size", "11")]) { legend in
                for (index, line) in series.enumerated() {
                    let y = 6.0 + 16 * Double(index)
                    legend.empty("rect", [("x", SVGPlotFrame.format(frame.left + 4)), ("y", SVGPlotFrame.format(y)), ("width", "16"), ("height", "11"),
                                          ("fill", line.style.barFill(patternID: "\(id)-hatch-\(index)")), ("stroke", line.style.colour)])
                    legend.element("text", [("x", SVGPlotFrame.format(frame.left + 26)), ("y", SVGPlotFrame.format(y + 10))], text: line.name)
                }
            }
        }
    }

    /// The smallest of 1, 2, 4, 5, 8 × 10ⁿ (or a multiple of 4 up to 20) at or
    /// above `value`, so the axis ends on a round number with even ticks.
    static func niceCeiling(_ value: Int) -> Int {
        if value <= 4 { return 4 }
        if value <= 20 { return (value + 3) / 4 * 4 }
        var magnitude = 1
        while magnitude * 10 < value { magnitude *= 10 }
        for step in [1, 2, 4, 5, 8, 10] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }
}
