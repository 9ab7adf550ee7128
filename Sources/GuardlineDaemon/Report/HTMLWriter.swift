import Foundation

/// Builds HTML (and inline SVG) text in which every tag is closed by the same
/// call that opened it, and every piece of text or attribute value is escaped.
///
/// Detector names, categories and file names come from users: nothing they
/// wrote reaches the page except through `text(_:)` or an attribute value, so
/// a name like `<script>` shows as text. Void elements are written
/// self-closed (`<meta … />`), which HTML accepts, so the output is also
/// well-formed XML and tests can check it with an XML parser.
struct HTMLWriter {
    private(set) var output = ""

    /// `<name attributes>…</name>`, with the body written by `body`.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], _ body: (inout HTMLWriter) -> Void) {
        openTag(name, attributes)
        output += ">"
        body(&self)
        output += "</\(name)>"
    }

    /// `<name attributes>text</name>`, the text escaped.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String) {
        element(name, attributes) { $0.text(text) }
    }

    /// An element with no content, self-closed: `<name attributes />`.
    mutating func empty(_ name: String, _ attributes: [(String, String)] = []) {
        openTag(name, attributes)
        output += " />"
    }

    mutating func text(_ text: String) {
        output += Self.escape(text)
    }

    /// Text written as is, for the page's own constant stylesheet and doctype.
    /// It must not contain `<` or `&`, so it can neither open a tag nor an entity.
    mutating func trusted(_ constant: StaticString) {
        let text = "\(constant)"
        precondition(!text.contains("<") && !text.contains("&"), "trusted text must not contain markup")
        output += text
    }

    /// The doctype, the one piece of markup outside any element.
    mutating func doctype() {
        output += "<!DOCTYPE html>\n"
    }

    /// Escapes the five characters with meaning in HTML text and quoted attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            // Control characters other than tab and newline are not allowed in HTML (or XML) text.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A number with a fixed count of decimals, for coordinates and rates.
    static func decimal(_ value: Double, places: Int) -> String {
        String(format: "%.\(places)f", value.isFinite ? value : 0)
    }

    private mutating func openTag(_ name: String, _ attributes: [(String, String)]) {
        output += "<\(name)"
        for (key, value) in attributes {
            output += " \(key)=\"\(Self.escape(value))\""
        }
    }
}
