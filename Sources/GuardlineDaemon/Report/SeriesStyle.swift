/// How one data series is drawn. Each style differs from the others in colour
/// *and* in dash pattern and marker shape, so charts stay readable in grey
/// print and for readers who do not tell the colours apart.
struct SeriesStyle: Sendable {
    /// From the Okabe–Ito palette, chosen to stay distinct under colour blindness.
    let colour: String
    /// SVG `stroke-dasharray`; empty for a solid line.
    let dash: String
    let marker: Marker
    /// Bars in this style are hatched rather than solid.
    let hatched: Bool

    enum Marker: Sendable {
        case circle, square, triangle, diamond
    }

    static let primary = SeriesStyle(colour: "#0072B2", dash: "", marker: .circle, hatched: false)
    static let secondary = SeriesStyle(colour: "#D55E00", dash: "6 4", marker: .square, hatched: true)
    static let reference = SeriesStyle(colour: "#555555", dash: "2 3", marker: .triangle, hatched: false)
    static let highlight = SeriesStyle(colour: "#009E73", dash: "8 3 2 3", marker: .diamond, hatched: false)

    /// Draws this style's marker centred on (x, y), with a tooltip.
    func drawMarker(x: Double, y: Double, tooltip: String, into writer: inout HTMLWriter) {
        let size = 4.0
        let attributes: [(String, String)]
        let shape: String
        switch marker {
        case .circle:
            shape = "circle"
            attributes = [("cx", SVGPlotFrame.format(x)), ("cy", SVGPlotFrame.format(y)), ("r", SVGPlotFrame.format(size))]
        case .square:
            shape = "rect"
            attributes = [("x", SVGPlotFrame.format(x - size)), ("y", SVGPlotFrame.format(y - size)),
                          ("width", SVGPlotFrame.format(2 * size)), ("height", SVGPlotFrame.format(2 * size))]
        case .triangle:
            shape = "polygon"
            attributes = [("points", SVGPlotFrame.points([(x, y - size - 1), (x + size + 1, y + size), (x - size - 1, y + size)]))]
        case .diamond:
            shape = "polygon"
            attributes = [("points", SVGPlotFrame.points([(x, y - size - 1), (x + size + 1, y), (x, y + size + 1), (x - size - 1, y)]))]
        }
        writer.element(shape, attributes + [("fill", colour), ("stroke", "#ffffff"), ("stroke-width", "1")]) {
            $0.element("title", text: tooltip)
        }
    }

    /// The fill of a bar: the colour, or a hatch pattern of it defined by `defineHatch`.
    func barFill(patternID: String) -> String {
        hatched ? "url(#\(patternID))" : colour
    }

    /// Defines the diagonal hatch pattern hatched bars refer to.
    func defineHatch(id: String, into writer: inout HTMLWriter) {
        writer.element("pattern", [("id", id), ("width", "6"), ("height", "6"), ("patternUnits", "userSpaceOnUse"),
                                   ("patternTransform", "rotate(45)")]) {
            $0.empty("rect", [("width", "6"), ("height", "6"), ("fill", "#ffffff")])
            $0.empty("rect", [("width", "3"), ("height", "6"), ("fill", colour)])
        }
    }
}
