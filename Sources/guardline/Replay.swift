import ArgumentParser
import Foundation
import GuardlineDaemon
import Logging

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run recorded NDJSON through the same pipeline offline (no sockets) and write the same tables.",
        discussion: "Event timestamps drive decay and windows; the same input and config give the same rows. Replay into a fresh --db to compare detectors.")

    @Argument(help: "NDJSON files, in order.")
    var files: [String]

    @Option(help: "Config file (detectors, policy).")
    var config: String?

    @Option(name: .customLong("db"), help: "SQLite database to write (default: the config's).")
    var database: String?

    func validate() throws {
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        var logger = Logger(label: "guardline.replay")
        logger.logLevel = .warning
        let interactive = isatty(STDERR_FILENO) == 1
        let summary: ReplayRunner.Summary
        do {
            summary = try ReplayRunner.run(files: files, configPath: config, database: database, logger: logger) { done, total in
                guard interactive, total > 0 else { return }
                FileHandle.standardError.write(Data("\r\(done * 100 / total)% of \(total / 1_000_000) MB".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("guardline: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        let rate = summary.seconds > 0 ? Int(Double(summary.events) / summary.seconds) : 0
        print("replayed \(summary.events) events in \(String(format: "%.2f", summary.seconds)) s (\(rate) events/s); signals \(summary.signals)")
        print("errors: " + (summary.errors.isEmpty ? "none" : summary.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
        print("accounts flagged (in the database): \(summary.flaggedAccounts)")
    }
}
