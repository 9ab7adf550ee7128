import Yams

/// Settings of a `kind: native` detector: which shared library, the JSON
/// configuration its contexts are initialised with, and the score at which
/// it fires.
public struct NativeSpec: Sendable {
    /// Absolute path, or relative to the process's working directory when the
    /// detector file itself was given relative.
    public let path: String
    public let configJSON: String
    public let threshold: Double

    public init(path: String, configJSON: String, threshold: Double) {
        self.path = path
        self.configJSON = configJSON
        self.threshold = threshold
    }

    /// The YAML value as compact JSON (YAML 1.1 core resolution for scalars:
    /// integers, floats, booleans and null are typed, the rest are strings).
    static func json(of node: Node) -> String {
        switch node {
        case .mapping(let mapping):
            let members = mapping.map { key, value in quoted(key.string ?? "") + ":" + json(of: value) }
            return "{" + members.joined(separator: ",") + "}"
        case .sequence(let sequence):
            return "[" + sequence.map(json(of:)).joined(separator: ",") + "]"
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return "null" }
                if let bool = node.bool { return bool ? "true" : "false" }
                if let int = node.int { return String(int) }
                if let double = node.float, double.isFinite { return String(double) }
            }
            return quoted(scalar.string)
        case .alias:
            return "null"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
