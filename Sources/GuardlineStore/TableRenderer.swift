/// Prints rows as aligned, left-justified columns for a terminal.
///
/// Columns are separated by two spaces; the last column is not padded, so lines carry
/// no trailing spaces. Cells longer than `maxCellWidth` characters end in `…`, and
/// control characters (newlines in evidence snippets) become spaces so one row stays
/// on one line.
public struct TableRenderer: Sendable {
    public var maxCellWidth: Int

    public init(maxCellWidth: Int = 40) {
        precondition(maxCellWidth >= 2, "maxCellWidth must leave room for one character and the ellipsis")
        self.maxCellWidth = maxCellWidth
    }

    /// Renders `rows` under `columns` (pass `columns: nil` for a table without a header).
    /// Every line ends with a newline.
    public func render(columns: [String]?, rows: [[String]]) -> String {
        var lines: [[String]] = []
        if let columns { lines.append(columns.map(cell)) }
        lines += rows.map { $0.map(cell) }
        let columnCount = lines.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columnCount)
        for line in lines {
            for (index, value) in line.enumerated() { widths[index] = max(widths[index], value.count) }
        }
        var text = ""
        for line in lines {
            for (index, value) in line.enumerated() {
                text += value
                if index < line.count - 1 {
                    text += String(repeating: " ", count: widths[index] - value.count + 2)
                }
            }
            text += "\n"
        }
        return text
    }

    private func cell(_ value: String) -> String {
        var flattened = String(String.UnicodeScalarView(value.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
        if flattened.count > maxCellWidth {
            flattened = String(flattened.prefix(maxCellWidth - 1)) + "…"
        }
        return flattened
    }
}
