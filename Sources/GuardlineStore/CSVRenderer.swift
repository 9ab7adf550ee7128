/// Prints rows as RFC 4180 CSV: a header line, CRLF line ends, and fields quoted
/// (with `"` doubled) when they contain a comma, quote, CR or LF.
public enum CSVRenderer {
    public static func render(columns: [String], rows: [[String]]) -> String {
        var text = ""
        appendLine(columns, to: &text)
        for row in rows { appendLine(row, to: &text) }
        return text
    }

    /// One field, quoted only when RFC 4180 requires it.
    public static func field(_ value: String) -> String {
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func appendLine(_ fields: [String], to text: inout String) {
        text += fields.map(field).joined(separator: ",")
        text += "\r\n"
    }
}
