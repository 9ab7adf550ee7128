import ArgumentParser
import Foundation
import GuardlineDaemon

struct Plugin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write detector plugin skeletons.",
        subcommands: [PluginNew.self])
}

extension PluginScaffold.Language: ExpressibleByArgument {}

struct PluginNew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a ready-to-build detector skeleton and the detector file that loads it.",
        discussion: """
        c: a native plugin (.c + guardline_plugin.h), built with `cc -shared -fPIC`.
        swift: a native plugin as a SwiftPM package with a .dynamic library product.
        python: an out-of-process detector (kind: process), standard library only.
        Each skeleton scores a short phrase list: edit it, build it, copy NAME.yaml into the detectors directory.
        """)

    @Argument(help: "Plugin and detector name: a-z, 0-9, '-', '_', starting with a letter.")
    var name: String

    @Option(help: "Language: c, swift or python.")
    var lang: PluginScaffold.Language

    @Option(help: "Parent directory; the skeleton goes into DIR/NAME (default: the current directory).")
    var dir: String = "."

    func run() throws {
        let written: PluginScaffold.Written
        do {
            written = try PluginScaffold.write(name: name, language: lang, parent: dir)
        } catch {
            throw ValidationError(error.description)
        }
        print("wrote \(written.directory):")
        for file in written.files { print("  \(file)") }
        print("next:\n" + written.nextSteps.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    }
}
