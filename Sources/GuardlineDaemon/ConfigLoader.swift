import Foundation
import GuardlineProtocol
import GuardlineTransport
import Yams

/// A problem in a config file, located to the line.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "\(path):\(line):\(column): \(message)" }
}

/// Why the daemon's configuration cannot be used.
public enum ConfigError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid([ConfigDiagnostic])
    /// Detector files failed validation; each line is `file:line:column: message`.
    case detectors([String])
    /// `guardline train` could not read its data or write its model.
    case training(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read config: \(reason)"
        case let .invalid(diagnostics): return diagnostics.map(\.description).joined(separator: "\n")
        case let .detectors(lines): return lines.joined(separator: "\n")
        case let .training(path, reason): return "\(path): \(reason)"
        }
    }
}

/// Reads `guardline.yaml`: every key checked against `ConfigKeys.all`, unknown
/// keys rejected (a typo must not silently fall back to a default).
public enum ConfigLoader {
    public static func load(path: String) throws(ConfigError) -> DaemonConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        var config = try parse(yaml: text, path: path)
        config.sourcePath = path
        return config
    }

    public static func parse(yaml: String, path: String) throws(ConfigError) -> DaemonConfig {
        var config = DaemonConfig()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw .invalid([diagnostic(for: error, path: path)])
        } catch {
            throw .invalid([ConfigDiagnostic(path: path, line: 1, column: 1, message: "\(error)")])
        }
        guard let root else { return config }
        guard case .mapping = root else {
            throw .invalid([ConfigDiagnostic(path: path, line: root.mark?.line ?? 1, column: root.mark?.column ?? 1,
                                             message: "the config must be a mapping of keys to values")])
        }
        var diagnostics: [ConfigDiagnostic] = []
        var leaves: [(String, Node, Mark?)] = []
        flatten(root, prefix: "", into: &leaves, diagnostics: &diagnostics, path: path)
        for (name, node, keyMark) in leaves {
            let mark = node.mark ?? keyMark
            func fail(_ message: String) {
                diagnostics.append(ConfigDiagnostic(path: path, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message))
            }
            guard let key = ConfigKeys.byName[name] else {
                let near = ConfigKeys.all.map(\.name).filter { $0.hasSuffix(name.split(separator: ".").last.map(String.init) ?? name) }
                fail("unknown key '\(name)'" + (near.isEmpty ? "" : " (did you mean '\(near[0])'?)"))
                continue
            }
            switch convert(node, kind: key.kind) {
            case .success(let value): key.apply(&config, value)
            case .failure(let message): fail("'\(name)': \(message)")
            }
        }
        if !diagnostics.isEmpty { throw .invalid(diagnostics) }
        return config
    }

    private static func flatten(_ node: Node, prefix: String, into leaves: inout [(String, Node, Mark?)],
                                diagnostics: inout [ConfigDiagnostic], path: String) {
        guard case .mapping(let mapping) = node else { return }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .mapping = value {
                flatten(value, prefix: name, into: &leaves, diagnostics: &diagnostics, path: path)
            } else {
                leaves.append((name, value, keyNode.mark))
            }
        }
    }

    private enum Conversion {
        case success(ConfigKey.Value)
        case failure(String)
    }

    private static func convert(_ node: Node, kind: ConfigKey.Kind) -> Conversion {
        guard case .scalar(let scalar) = node else { return .failure("expected a single value") }
        let text = scalar.string
        switch kind {
        case .string:
            return .success(.string(text))
        case .address(let allowEmpty):
            if text.isEmpty && allowEmpty { return .success(.string("")) }
            do {
                _ = try SocketAddress(parsing: text)
                return .success(.string(text))
            } catch {
                return .failure(error.description)
            }
        case .choice(let options):
            return options.contains(text) ? .success(.string(text)) : .failure("must be one of \(options.joined(separator: ", ")), not '\(text)'")
        case .integer(let range):
            guard let value = Int(text) else { return .failure("expected an integer, not '\(text)'") }
            return range.contains(value) ? .success(.integer(value)) : .failure("\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        case .number(let range):
            guard let value = Double(text) else { return .failure("expected a number, not '\(text)'") }
            return range.contains(value) ? .success(.number(value)) : .failure("\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        case .duration(let range):
            let value: Double
            do { value = try DurationText.seconds(text) } catch { return .failure(error.description) }
            return range.contains(value) ? .success(.number(value)) : .failure("\(text) is outside \(range.lowerBound)s...\(range.upperBound)s")
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "on": return .success(.boolean(true))
            case "false", "no", "off": return .success(.boolean(false))
            default: return .failure("expected true or false, not '\(text)'")
            }
        }
    }

    static func diagnostic(for error: YamlError, path: String) -> ConfigDiagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ConfigDiagnostic(path: path, line: mark.line, column: mark.column, message: "invalid YAML: \(what)")
        default:
            return ConfigDiagnostic(path: path, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
    }
}
