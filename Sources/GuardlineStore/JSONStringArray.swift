import Foundation

/// Encodes and decodes the JSON string arrays stored in `detectors` and `labels` columns.
///
/// Encoding is by hand (the writer does it per row, where `JSONEncoder` would cost
/// more than the insert); decoding uses `JSONDecoder` because it only runs for
/// flag merges and CLI reads.
enum JSONStringArray {
    static func encode(_ values: [String]) -> String {
        var text = "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            appendQuoted(value, to: &text)
        }
        text += "]"
        return text
    }

    /// Decodes stored JSON text; text that is not an array of strings yields `[]`
    /// rather than failing a whole query over one hand-edited row.
    static func decode(_ text: String?) -> [String] {
        guard let text, let data = text.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    /// Sorted union, used when a re-flag merges detectors and labels.
    static func union(_ first: [String], _ second: [String]) -> [String] {
        Array(Set(first).union(second)).sorted()
    }

    /// Appends `value` as a JSON string literal (RFC 8259 escaping).
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
