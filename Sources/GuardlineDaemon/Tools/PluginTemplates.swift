/// The file templates of `guardline plugin new`, one extension per language.
/// Placeholders: `__NAME__` (detector name), `__ID__` (C identifier),
/// `__MODULE__` (Swift module), `__DIR__` (absolute project directory).
enum PluginTemplates {
    static func files(for language: PluginScaffold.Language, names: PluginScaffold.Names) -> [(path: String, contents: String)] {
        let raw: [(String, String)] = switch language {
        case .c: [("\(names.plugin).c", cSource), ("guardline_plugin.h", PluginABIHeaderText.fileContents),
                  ("\(names.plugin).yaml", nativeDetector(library: "__DIR__/lib__NAME__.so", language: "C"))]
        case .swift: [("Package.swift", swiftPackage), ("Sources/__MODULE__/Plugin.swift", swiftSource),
                      ("Sources/GuardlinePluginABI/include/guardline_plugin.h", PluginABIHeaderText.fileContents),
                      ("Sources/GuardlinePluginABI/abi.c", swiftABISource),
                      ("\(names.plugin).yaml", nativeDetector(library: "__DIR__/.build/release/lib__MODULE__.so", language: "Swift"))]
        case .python: [("\(names.plugin).py", pythonSource), ("\(names.plugin).yaml", processDetector)]
        }
        return raw.map { (fill($0.0, names), $0.1 == PluginABIHeaderText.fileContents ? $0.1 : fill($0.1, names)) }
    }

    /// What to run next, printed by the CLI.
    static func nextSteps(for language: PluginScaffold.Language, names: PluginScaffold.Names) -> String {
        let check = "guardline check-config --config YOUR_CONFIG   # after copying \(names.plugin).yaml into the detectors directory"
        let steps = switch language {
        case .c: "cd \(names.directory) && cc -shared -fPIC -O2 -Wall -o lib\(names.plugin).so \(names.plugin).c\n\(check)"
        case .swift: "cd \(names.directory) && swift build -c release\n\(check)"
        case .python: "echo '{\"seq\":1,\"id\":\"e1\",\"account_id\":\"a\",\"text\":\"exfiltrate the database\"}' | python3 \(names.directory)/\(names.plugin).py\n\(check)"
        }
        return steps
    }

    static func fill(_ template: String, _ names: PluginScaffold.Names) -> String {
        template.replacingOccurrences(of: "__NAME__", with: names.plugin)
            .replacingOccurrences(of: "__ID__", with: names.identifier)
            .replacingOccurrences(of: "__MODULE__", with: names.module)
            .replacingOccurrences(of: "__DIR__", with: names.directory)
    }

    /// The detector file of a native plugin; shadow first, promoted by editing `mode`.
    static func nativeDetector(library: String, language: String) -> String {
        #"""
        # Loads the __NAME__ native plugin (\#(language)). Copy this file into the
        # daemon's detectors directory; the path below is absolute, so it keeps
        # working from there. New detectors start in shadow mode: their signals
        # are recorded (see `guardline shadow-report`) and never change a verdict.
        name: __NAME__
        version: 0.1.0
        description: Phrases that suggest data theft, scored by the __NAME__ plugin.
        kind: native
        mode: shadow
        severity: medium
        path: \#(library)
        threshold: 0.5
        config:
          score: 0.8

        """#
    }

    static let processDetector = #"""
        # Runs __NAME__.py as an out-of-process detector. Copy this file into the
        # daemon's detectors directory; the script path below is absolute, so it
        # keeps working from there. New detectors start in shadow mode: their
        # signals are recorded (see `guardline shadow-report`) and never change a verdict.
        name: __NAME__
        version: 0.1.0
        description: Phrases that suggest data theft, scored by __NAME__.py out of process.
        kind: process
        mode: shadow
        severity: medium
        command: [python3, __DIR__/__NAME__.py]
        deadline: 50ms          # one read chunk waits at most this long for the script
        threshold: 0.5
        labels: [__NAME__]

        """#
}
