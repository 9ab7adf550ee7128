import Foundation

/// The coordinate frame of one chart: the SVG canvas, the plot area inside
/// its margins, the data ranges, and the axes with ticks and labels.
struct SVGPlotFrame {
    var width = 340.0
    var height = 320.0
    var left = 54.0
    var right = 18.0
    var top = 18.0
    var bottom = 54.0
    var xRange: ClosedRange<Double> = 0...1
    var yRange: ClosedRange<Double> = 0...1

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    /// Pixel x of a data value.
    func x(_ value: Double) -> Double {
        left + (value - xRange.lowerBound) / span(xRange) * plotWidth
    }

    /// Pixel y of a data value (SVG's y grows downwards).
    func y(_ value: Double) -> Double {
        top + plotHeight - (value - yRange.lowerBound) / span(yRange) * plotHeight
    }

    /// Opens the `<svg>` element with its accessible title and description, and draws `body` inside.
    func svg(id: String, title: String, description: String, into writer: inout HTMLWriter, _ body: (inout HTMLWriter) -> Void) {
        writer.element("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(Self.format(width)) \(Self.format(height))"),
                               ("width", Self.format(width)), ("height", Self.format(height)), ("role", "img"),
                               ("aria-labelledby", "\(id)-title \(id)-description"), ("class", "chart")]) {
            $0.element("title", [("id", "\(id)-title")], text: title)
            $0.element("desc", [("id", "\(id)-description")], text: description)
            body(&$0)
        }
    }

    /// Axis lines, grid, tick labels and the two axis titles.
    func drawAxes(xLabel: String, yLabel: String, xTicks: [(Double, String)], yTicks: [(Double, String)], into writer: inout HTMLWriter) {
        writer.element("g", [("class", "axes"), ("font-size", "11"), ("fill", "#222222")]) { group in
            for (value, label) in yTicks {
                group.empty("line", [("x1", Self.format(left)), ("x2", Self.format(left + plotWidth)),
                                     ("y1", Self.format(y(value))), ("y2", Self.format(y(value))), ("stroke", "#e2e2e2")])
                group.element("text", [("x", Self.format(left - 6)), ("y", Self.format(y(value) + 4)), ("text-anchor", "end")], text: label)
            }
            for (value, label) in xTicks {
                group.empty("line", [("x1", Self.format(x(value))), ("x2", Self.format(x(value))),
                                     ("y1", Self.format(top + plotHeight)), ("y2", Self.format(top + plotHeight + 4)), ("stroke", "#222222")])
                group.element("text", [("x", Self.format(x(value))), ("y", Self.format(top + plotHeight + 17)), ("text-anchor", "middle")],
                              text: label)
            }
            group.empty("polyline", [("points", Self.points([(left, top), (left, top + plotHeight), (left + plotWidth, top + plotHeight)])),
                                     ("fill", "none"), ("stroke", "#222222")])
            group.element("text", [("class", "axis-label"), ("x", Self.format(left + plotWidth / 2)), ("y", Self.format(height - 8)),
                                   ("text-anchor", "middle"), ("font-size", "12")], text: xLabel)
            let middle = top + plotHeight / 2
            group.element("text", [("class", "axis-label"), ("x", "14"), ("y", Self.format(middle)), ("text-anchor", "middle"),
                                   ("font-size", "12"), ("transform", "rotate(-90 14 \(Self.format(middle)))")], text: yLabel)
        }
    }

    /// Ticks at 0, 0.25, … 1 labelled with two decimals.
    static let unitTicks: [(Double, String)] = ticks(upTo: 1)

    /// Five ticks from 0 to `upper`, all with the fewest decimals (at least two) that write each exactly.
    static func ticks(upTo upper: Double) -> [(Double, String)] {
        let values = (0...4).map { Double($0) * upper / 4 }
        let places = (2...4).first { places in
            values.allSatisfy { value in
                let scaled = value * pow(10, Double(places))
                return abs(scaled - scaled.rounded()) < 1e-6
            }
        } ?? 4
        return values.map { ($0, HTMLWriter.decimal($0, places: places)) }
    }

    /// A coordinate as SVG text, one decimal.
    static func format(_ value: Double) -> String {
        HTMLWriter.decimal(value, places: 1)
    }

    /// An SVG `points` list.
    static func points(_ points: [(Double, Double)]) -> String {
        points.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")
    }

    private func span(_ range: ClosedRange<Double>) -> Double {
        range.upperBound > range.lowerBound ? range.upperBound - range.lowerBound : 1
    }
}
