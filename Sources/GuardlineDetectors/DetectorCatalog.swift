import Foundation

/// Every detector definition of one configuration directory, validated as a
/// whole: a catalog exists only when every file parsed and no two detectors
/// share a name, so a reload either gets a complete catalog or every reason
/// it could not.
public struct DetectorCatalog: Sendable {
    /// In file-name order.
    public let definitions: [DetectorDefinition]

    /// Wraps already-validated definitions, rejecting duplicate names.
    public init(definitions: [DetectorDefinition]) throws(DetectorError) {
        var firstByName: [String: DetectorDefinition] = [:]
        var diagnostics: [Diagnostic] = []
        for definition in definitions {
            if let earlier = firstByName[definition.name] {
                diagnostics.append(Diagnostic(
                    path: definition.sourcePath, line: 1, column: 1,
                    message: "detector name '\(definition.name)' is also defined in \(earlier.sourcePath)"))
            } else {
                firstByName[definition.name] = definition
            }
        }
        guard diagnostics.isEmpty else { throw .invalid(diagnostics) }
        self.definitions = definitions
    }

    /// Loads every `*.yaml` and `*.yml` file of `directory`, in file-name order.
    /// Throws `.invalid` with the problems of all files, not just the first.
    public static func load(directory: String) throws(DetectorError) -> DetectorCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(path: directory, reason: error.localizedDescription)
        }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        let base = directory.hasSuffix("/") ? directory : directory + "/"

        var parsed: [DetectorFileParser.Parsed] = []
        var diagnostics: [Diagnostic] = []
        for file in files {
            let path = base + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .unreadable(path: path, reason: "the file could not be opened")
            }
            guard let yaml = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(path: path, line: 1, column: 1, message: "the file is not valid UTF-8"))
                continue
            }
            var parser = DetectorFileParser(path: path)
            if let result = parser.parse(yaml: yaml, fileHash: DetectorDefinition.fileHash(of: data)) {
                parsed.append(result)
            }
            diagnostics += parser.diagnostics
        }

        var firstByName: [String: DetectorFileParser.Parsed] = [:]
        for entry in parsed {
            let name = entry.definition.name
            if let earlier = firstByName[name] {
                diagnostics.append(Diagnostic(
                    path: entry.definition.sourcePath, line: entry.nameLine, column: entry.nameColumn,
                    message: "detector name '\(name)' is already defined in "
                        + "\(earlier.definition.sourcePath):\(earlier.nameLine):\(earlier.nameColumn)"))
            } else {
                firstByName[name] = entry
            }
        }
        guard diagnostics.isEmpty else { throw .invalid(diagnostics) }
        return try DetectorCatalog(definitions: parsed.map(\.definition))
    }

    /// Parses one detector file's text; `path` is only used in diagnostics and
    /// as the definition's `sourcePath`.
    public static func parse(yaml: String, path: String) throws(DetectorError) -> DetectorDefinition {
        var parser = DetectorFileParser(path: path)
        guard let result = parser.parse(yaml: yaml, fileHash: DetectorDefinition.fileHash(of: yaml.utf8)) else {
            throw .invalid(parser.diagnostics)
        }
        return result.definition
    }

    /// The definitions of kind `rules`, the ones `RuleEngine` compiles.
    public var ruleDefinitions: [DetectorDefinition] {
        definitions.filter { if case .rules = $0.kind { true } else { false } }
    }
}
