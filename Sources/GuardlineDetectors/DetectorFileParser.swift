import GuardlineProtocol
import Yams

/// Turns one detector file into a `DetectorDefinition`, collecting every
/// problem with its position (see `DetectorDefinition` for the format).
struct DetectorFileParser {
    /// A parsed definition plus where its name was written, so a duplicate
    /// name in another file can point at both.
    struct Parsed {
        let definition: DetectorDefinition
        let nameLine: Int
        let nameColumn: Int
    }

    static let commonKeys = ["name", "version", "description", "kind", "mode", "severity"]
    static let ruleKeys = ["fields", "roles", "scoring", "patterns"]
    static let velocityKeys = ["metric", "count", "window", "score", "labels"]
    static let crossAccountKeys = ["accounts", "window", "min_text_length", "require_signal", "score", "labels"]
    static let nativeKeys = ["path", "config", "threshold"]

    var reader: YAMLNodeReader

    init(path: String) {
        reader = YAMLNodeReader(path: path)
    }

    var diagnostics: [Diagnostic] { reader.diagnostics }

    /// Parses `yaml`; returns nil when any diagnostic was recorded.
    mutating func parse(yaml: String, fileHash: String) -> Parsed? {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                reader.report("the file is empty: a detector needs at least name, version, description and severity", line: 1, column: 1)
                return nil
            }
            root = composed
        } catch let error as YamlError {
            reportSyntax(error)
            return nil
        } catch {
            reader.report("not valid YAML: \(error)", line: 1, column: 1)
            return nil
        }

        // Decide the kind first: it decides which other keys are allowed.
        let kindNode = root.mapping?["kind"]
        let kindName: String
        if let kindNode {
            guard let choice = kindNode.scalar?.string, ["rules", "velocity", "cross_account", "native", "learned", "process"].contains(choice) else {
                reader.report("kind must be one of rules, velocity, cross_account, native, learned, process (got '\(kindNode.scalar?.string ?? "?")')", at: kindNode)
                return nil
            }
            kindName = choice
        } else {
            kindName = "rules"
        }
        let kindKeys = switch kindName {
        case "velocity": Self.velocityKeys
        case "cross_account": Self.crossAccountKeys
        case "native": Self.nativeKeys
        case "learned": Self.learnedKeys
        case "process": Self.processKeys
        default: Self.ruleKeys
        }
        guard let entries = reader.entries(of: root, allowed: Self.commonKeys + kindKeys, context: "detector (kind \(kindName))") else {
            return nil
        }

        let nameNode = requiredValue(entries, "name", root: root)
        let name = nameNode.flatMap { reader.nonEmptyString($0, "name") }
        if let name, let nameNode, !Self.isValidName(name) {
            reader.report("name '\(name)' may only contain a-z, 0-9, '.', '_' and '-'", at: nameNode)
        }
        let version = requiredValue(entries, "version", root: root).flatMap { reader.nonEmptyString($0, "version") }
        let description = requiredValue(entries, "description", root: root).flatMap { reader.nonEmptyString($0, "description") }
        let severity = requiredValue(entries, "severity", root: root).flatMap { reader.choice($0, "severity", as: Severity.self) }
        let mode = entries["mode"].map { reader.choice($0.value, "mode", as: DetectorMode.self) } ?? .enforce

        let kind: DetectorKind? = switch kindName {
        case "velocity": parseVelocity(entries, root: root).map(DetectorKind.velocity)
        case "cross_account": parseCrossAccount(entries, root: root).map(DetectorKind.crossAccount)
        case "native": parseNative(entries, root: root).map(DetectorKind.native)
        case "learned": parseLearned(entries, root: root).map(DetectorKind.learned)
        case "process": parseProcess(entries, root: root).map(DetectorKind.process)
        default: parseRules(entries, root: root, detectorName: name ?? "?").map(DetectorKind.rules)
        }

        guard reader.diagnostics.isEmpty, let name, let nameNode, let version, let description,
              let severity, let mode, let kind else { return nil }
        let definition = DetectorDefinition(
            name: name, version: version, description: description, kind: kind, mode: mode,
            severity: severity, sourcePath: reader.path, fileHash: fileHash)
        return Parsed(definition: definition, nameLine: nameNode.mark?.line ?? 1, nameColumn: nameNode.mark?.column ?? 1)
    }

    static func isValidName(_ name: String) -> Bool {
        name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    private mutating func reportSyntax(_ error: YamlError) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            reader.report("not valid YAML: \(problem)", line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            reader.report("duplicate key '\(duplicates.joined(separator: "', '"))'", line: context.mark.line, column: context.mark.column)
        default:
            reader.report("not valid YAML: \(error)", line: 1, column: 1)
        }
    }

    private mutating func parseVelocity(_ entries: [String: (key: Node, value: Node)], root: Node) -> VelocitySpec? {
        let metric = requiredValue(entries, "metric", root: root).flatMap { reader.choice($0, "metric", as: VelocityMetric.self) }
        let count = requiredValue(entries, "count", root: root).flatMap { reader.integer($0, "count", atLeast: 1) }
        let window = requiredValue(entries, "window", root: root).flatMap { reader.duration($0, "window") }
        let score = requiredValue(entries, "score", root: root).flatMap { reader.number($0, "score", in: 0...1, excludingLower: true) }
        let labels = labelList(entries["labels"]?.value)
        guard let metric, let count, let window, let score, let labels else { return nil }
        return VelocitySpec(metric: metric, count: count, windowSeconds: window, score: score, labels: labels)
    }

    private mutating func parseNative(_ entries: [String: (key: Node, value: Node)], root: Node) -> NativeSpec? {
        guard let pathNode = requiredValue(entries, "path", root: root),
              let path = reader.nonEmptyString(pathNode, "path") else { return nil }
        let threshold = entries["threshold"].map { reader.number($0.value, "threshold", in: 0...1, excludingLower: true) } ?? 0.5
        let config = entries["config"].map { NativeSpec.json(of: $0.value) } ?? "{}"
        guard let threshold else { return nil }
        // Relative paths are relative to the detector file, like every other path in a detector.
        let resolved = path.hasPrefix("/") ? path
            : (reader.path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/" + path)
        return NativeSpec(path: resolved, configJSON: config, threshold: threshold)
    }

    private mutating func parseCrossAccount(_ entries: [String: (key: Node, value: Node)], root: Node) -> CrossAccountSpec? {
        let accounts = requiredValue(entries, "accounts", root: root).flatMap { reader.integer($0, "accounts", atLeast: 2) }
        let window = requiredValue(entries, "window", root: root).flatMap { reader.duration($0, "window") }
        let minimumLength = entries["min_text_length"].map { reader.integer($0.value, "min_text_length", atLeast: 0) } ?? 0
        let requireSignal = entries["require_signal"].map { reader.bool($0.value, "require_signal") } ?? true
        let score = requiredValue(entries, "score", root: root).flatMap { reader.number($0, "score", in: 0...1, excludingLower: true) }
        let labels = labelList(entries["labels"]?.value)
        guard let accounts, let window, let minimumLength, let requireSignal, let score, let labels else { return nil }
        return CrossAccountSpec(accounts: accounts, windowSeconds: window, minTextLength: minimumLength,
                                requireSignal: requireSignal, score: score, labels: labels)
    }

    mutating func requiredValue(_ entries: [String: (key: Node, value: Node)], _ key: String, root: Node) -> Node? {
        if let entry = entries[key] { return entry.value }
        reader.report("missing required key '\(key)'", at: root)
        return nil
    }

    /// Labels, deduplicated in written order; absent means none.
    mutating func labelList(_ node: Node?) -> [String]? {
        guard let node else { return [] }
        guard let values = reader.strings(node, "labels") else { return nil }
        var seen = Set<String>()
        return values.map(\.value).filter { seen.insert($0).inserted }
    }
}
