import Foundation

/// `guardline plugin new`: writes a ready-to-build detector skeleton and the
/// detector file that loads it, from templates based on the shipped examples
/// (`ExampleKeywordPlugin`, `ExampleEntropyPlugin`, `example_classifier.py`).
/// Each skeleton is a working phrase detector: edit its phrase list, or
/// replace its scoring function, and it stays loadable at every step.
public enum PluginScaffold {
    public enum Language: String, CaseIterable, Sendable {
        case c, swift, python
    }

    /// Why a scaffold could not be written.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case invalidName(String)
        case exists(path: String)
        case unwritable(path: String, reason: String)

        public var description: String {
            switch self {
            case .invalidName(let name):
                return "plugin name '\(name)' must start with a letter and contain only a-z, 0-9, '-' and '_' (it is also the detector name)"
            case .exists(let path):
                return "\(path) already exists; choose another name or --dir"
            case .unwritable(let path, let reason):
                return "cannot write \(path): \(reason)"
            }
        }
    }

    /// What was written: every file, and the next steps to print.
    public struct Written: Sendable {
        public var directory: String
        public var files: [String]
        public var nextSteps: String
    }

    /// Writes the skeleton for `name` into `parent/name/`. Refuses to touch
    /// an existing directory.
    public static func write(name: String, language: Language, parent: String) throws(Failure) -> Written {
        guard isValid(name) else { throw .invalidName(name) }
        let parentURL = URL(fileURLWithPath: parent, isDirectory: true).standardizedFileURL
        let directory = parentURL.appendingPathComponent(name).path
        guard !FileManager.default.fileExists(atPath: directory) else { throw .exists(path: directory) }
        let names = Names(plugin: name, directory: directory)
        let files = PluginTemplates.files(for: language, names: names)
        for (relative, contents) in files {
            let path = directory + "/" + relative
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try contents.write(toFile: path, atomically: true, encoding: .utf8)
                if relative.hasSuffix(".py") {
                    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
                }
            } catch {
                throw .unwritable(path: path, reason: error.localizedDescription)
            }
        }
        return Written(directory: directory, files: files.map { directory + "/" + $0.path },
                       nextSteps: PluginTemplates.nextSteps(for: language, names: names))
    }

    /// Detector-name rules (`[a-z0-9._-]`), starting with a letter so the
    /// name also makes a C identifier and a Swift module name.
    static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= 0x61 && first <= 0x7A else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }
    }

    /// The spellings of one plugin name the templates need.
    struct Names {
        /// As given: the detector name (`exfil-words`).
        let plugin: String
        /// Absolute directory the files go into.
        let directory: String
        /// A C identifier prefix (`exfil_words`).
        var identifier: String { plugin.replacingOccurrences(of: "-", with: "_") }
        /// A Swift module and library product name (`ExfilWords`).
        var module: String {
            plugin.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
    }
}
