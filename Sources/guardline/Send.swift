import ArgumentParser
import Foundation
import GuardlineDaemon
import GuardlineTransport

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stream NDJSON event files to a daemon, read every verdict, and summarise.")

    @Argument(help: "NDJSON files ('-' for standard input).")
    var files: [String]

    @Option(help: "Daemon address HOST:PORT.")
    var to = "127.0.0.1:7878"

    @Option(help: "Parallel connections (lines are spread by account, keeping each account in order).")
    var connections = 1

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard connections >= 1 && connections <= 1024 else { throw ValidationError("--connections must be between 1 and 1024") }
        for file in files where file != "-" && !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        let address = try SocketAddress(parsing: to)
        let interactive = isatty(STDERR_FILENO) == 1
        let runner = SendRunner(address: address, connections: connections) { done, total in
            guard interactive else { return }
            FileHandle.standardError.write(Data("\r\(done)/\(total) verdicts".utf8))
        }
        let summary: SendRunner.Summary
        do {
            summary = try runner.run(files: files)
        } catch let error as SocketError {
            throw ValidationError("cannot reach guardline at \(to): \(error)")
        }
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        let rate = summary.seconds > 0 ? Double(summary.verdicts) / summary.seconds : 0
        if json {
            let object: [String: Any] = [
                "sent": summary.sent, "verdicts": summary.verdicts, "seconds": summary.seconds,
                "events_per_second": rate, "errors": summary.errorsByCode,
                "flagged_accounts": summary.flaggedAccounts.sorted(),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("sent \(summary.sent) events, \(summary.verdicts) verdicts in \(String(format: "%.2f", summary.seconds)) s (\(Int(rate)) events/s)")
        if summary.errorsByCode.isEmpty {
            print("errors: none")
        } else {
            print("errors: " + summary.errorsByCode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        print("accounts flagged: \(summary.flaggedAccounts.count)" +
              (summary.flaggedAccounts.isEmpty ? "" : " (" + summary.flaggedAccounts.sorted().prefix(20).joined(separator: ", ") +
               (summary.flaggedAccounts.count > 20 ? ", …" : "") + ")"))
    }
}
