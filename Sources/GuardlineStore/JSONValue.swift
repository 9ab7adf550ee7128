/// A small JSON tree with a deterministic printer (sorted keys, two-space indent,
/// shortest round-trip numbers), so CLI output is byte-for-byte stable for scripts
/// and tests. `JSONSerialization` on Linux formats some doubles with excess digits.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    static func optional(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    /// The whole document, ending with a newline.
    func prettyPrinted() -> String {
        var text = ""
        write(to: &text, indent: 0)
        text += "\n"
        return text
    }

    /// The value as one CSV cell: strings as-is, arrays as compact JSON, null as empty.
    var csvCell: String {
        switch self {
        case .null: return ""
        case .string(let value): return value
        default:
            var text = ""
            writeCompact(to: &text)
            return text
        }
    }

    private func write(to text: inout String, indent: Int) {
        let inner = String(repeating: "  ", count: indent + 1)
        let outer = String(repeating: "  ", count: indent)
        switch self {
        case .array(let values) where !values.isEmpty:
            text += "[\n"
            for (index, value) in values.enumerated() {
                text += inner
                value.write(to: &text, indent: indent + 1)
                text += index == values.count - 1 ? "\n" : ",\n"
            }
            text += outer + "]"
        case .object(let members) where !members.isEmpty:
            text += "{\n"
            let sorted = members.sorted { $0.key < $1.key }
            for (index, member) in sorted.enumerated() {
                text += inner
                JSONStringArray.appendQuoted(member.key, to: &text)
                text += ": "
                member.value.write(to: &text, indent: indent + 1)
                text += index == sorted.count - 1 ? "\n" : ",\n"
            }
            text += outer + "}"
        default:
            writeCompact(to: &text)
        }
    }

    private func writeCompact(to text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .number(let value): text += value.isFinite ? "\(value)" : "null"
        case .string(let value): JSONStringArray.appendQuoted(value, to: &text)
        case .array(let values):
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += "," }
                value.writeCompact(to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { text += "," }
                JSONStringArray.appendQuoted(member.key, to: &text)
                text += ":"
                member.value.writeCompact(to: &text)
            }
            text += "}"
        }
    }
}
