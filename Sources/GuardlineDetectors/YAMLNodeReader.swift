import GuardlineProtocol
import Yams

/// Reads typed values out of a composed YAML tree, collecting a `Diagnostic`
/// at the node's own line and column for each value that is wrong, instead of
/// stopping at the first. Every accessor returns nil after reporting.
struct YAMLNodeReader {
    let path: String
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String) {
        self.path = path
    }

    /// Records a problem at `node` (1:1 when the node carries no position).
    mutating func report(_ message: String, at node: Node?) {
        let mark = node?.mark
        report(message, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ message: String, line: Int, column: Int) {
        diagnostics.append(Diagnostic(path: path, line: line, column: column, message: message))
    }

    /// The entries of a mapping, keyed by their scalar key, rejecting keys not
    /// in `allowed` (typos must not silently turn a setting off).
    mutating func entries(of node: Node, allowed: [String], context: String) -> [String: (key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report("\(context) must be a mapping", at: node)
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report("\(context): keys must be plain strings", at: key)
                continue
            }
            guard allowed.contains(name) else {
                report("\(context): unknown key '\(name)' (allowed: \(allowed.joined(separator: ", ")))", at: key)
                continue
            }
            result[name] = (key, value)
        }
        return result
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar else {
            report("\(what) must be a string", at: node)
            return nil
        }
        return scalar.string
    }

    mutating func nonEmptyString(_ node: Node, _ what: String) -> String? {
        guard let value = string(node, what) else { return nil }
        guard !value.isEmpty else {
            report("\(what) must not be empty", at: node)
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard node.scalar != nil, let value = node.bool else {
            report("\(what) must be true or false", at: node)
            return nil
        }
        return value
    }

    /// A number in `range`, e.g. a weight in (0, 1].
    mutating func number(_ node: Node, _ what: String, in range: ClosedRange<Double>, excludingLower: Bool) -> Double? {
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            report("\(what) must be a number", at: node)
            return nil
        }
        let aboveLower = excludingLower ? value > range.lowerBound : value >= range.lowerBound
        guard aboveLower, value <= range.upperBound else {
            let lower = excludingLower ? "(\(range.lowerBound)" : "[\(range.lowerBound)"
            report("\(what) must be in \(lower), \(range.upperBound)] (got \(text))", at: node)
            return nil
        }
        return value
    }

    mutating func integer(_ node: Node, _ what: String, atLeast minimum: Int) -> Int? {
        guard let text = node.scalar?.string, let value = Int(text) else {
            report("\(what) must be an integer", at: node)
            return nil
        }
        guard value >= minimum else {
            report("\(what) must be at least \(minimum) (got \(value))", at: node)
            return nil
        }
        return value
    }

    /// One of a closed set of spellings, e.g. a severity.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, as _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        guard let text = node.scalar?.string else {
            report("\(what) must be a string", at: node)
            return nil
        }
        guard let value = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            report("\(what) must be one of \(allowed) (got '\(text)')", at: node)
            return nil
        }
        return value
    }

    /// A sequence of strings, e.g. labels.
    mutating func strings(_ node: Node, _ what: String) -> [(value: String, node: Node)]? {
        guard case .sequence(let sequence) = node else {
            report("\(what) must be a list", at: node)
            return nil
        }
        var values: [(value: String, node: Node)] = []
        for element in sequence {
            guard let value = element.scalar?.string, !value.isEmpty else {
                report("\(what): each entry must be a non-empty string", at: element)
                return nil
            }
            values.append((value, element))
        }
        return values
    }

    /// A positive duration such as `90s`, `10m`, `1.5h`, in seconds (`DurationText` syntax).
    mutating func duration(_ node: Node, _ what: String) -> Double? {
        guard let text = node.scalar?.string else {
            report("\(what) must be a duration like 30s, 10m or 1h", at: node)
            return nil
        }
        do {
            let seconds = try DurationText.seconds(text)
            guard seconds > 0, seconds.isFinite else {
                report("\(what) must be a positive duration like 30s, 10m or 1h (got '\(text)')", at: node)
                return nil
            }
            return seconds
        } catch {
            report("\(what): \(error.reason)", at: node)
            return nil
        }
    }
}
