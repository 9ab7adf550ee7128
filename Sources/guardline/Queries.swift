import ArgumentParser
import Foundation
import GuardlineDaemon
import GuardlineProtocol
import GuardlineStore

extension DatabaseOptions {
    /// --db, else the config's `database`, else the default path.
    func resolvedPath() throws -> String {
        if let database { return database }
        if let config {
            do { return try ConfigLoader.load(path: config).database } catch { throw ValidationError("\(error)") }
        }
        return DaemonConfig().database
    }

    func openStore() throws -> Store {
        let path = try resolvedPath()
        do {
            return try Store.openReadOnly(path: path)
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("guardline: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Flagged: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List flagged accounts, newest first.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Only accounts flagged within this long (e.g. 30m, 2h, 7d).")
    var since: String?

    @Option(help: "Only accounts of this organisation.")
    var org: String?

    @Option(help: "Only accounts one of whose flagging detectors is this one.")
    var detector: String?

    @Option(help: "Only this status: open, acknowledged or resolved.")
    var status: String?

    @Option(help: "At most this many rows.")
    var limit = 50

    @Option(help: "table (for people), json or csv (for scripts).")
    var format: OutputFormatOption = .table

    @Flag(help: "List flagged organisations instead of accounts.")
    var orgs = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        if let since { _ = try sinceCutoff(since) }
        if let status, !["open", "acknowledged", "resolved"].contains(status) {
            throw ValidationError("--status must be open, acknowledged or resolved, not '\(status)'")
        }
    }

    func run() throws {
        let store = try database.openStore()
        let cutoff = try since.map(sinceCutoff)
        let output = OutputFormat(rawValue: format.rawValue) ?? .table
        if orgs {
            print(ReportRenderer.render(orgs: try store.flaggedOrgs(since: cutoff, status: status, limit: limit), format: output))
            return
        }
        let rows = try store.flaggedAccounts(since: cutoff, orgID: org, detector: detector, status: status, limit: limit)
        print(ReportRenderer.render(flagged: rows, format: output))
    }
}

struct Account: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one account: risk, flag status and recent signals with evidence.")

    @Argument(help: "The account id.")
    var id: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Recent signals to show.")
    var signals = 20

    @Option(help: "table, json or csv.")
    var format: OutputFormatOption = .table

    func run() throws {
        let store = try database.openStore()
        guard let report = try store.account(id: id, signalLimit: signals) else {
            FileHandle.standardError.write(Data("guardline: no account '\(id)' in \(try database.resolvedPath()) (never signalled or flagged)\n".utf8))
            throw ExitCode(3)
        }
        print(ReportRenderer.render(account: report, format: OutputFormat(rawValue: format.rawValue) ?? .table))
    }
}

/// `--since 2h` → the epoch time two hours ago.
func sinceCutoff(_ text: String) throws -> Double {
    do {
        return Date().timeIntervalSince1970 - (try DurationText.seconds(text))
    } catch {
        throw ValidationError("--since: \(error)")
    }
}

struct ShadowReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow-report",
        abstract: "How each shadow detector would have done if enforcing: events, accounts it would flag, overlap with real flags.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Window (e.g. 24h, 7d); default: everything.")
    var since: String?

    @Option(help: "Only this detector.")
    var detector: String?

    @Option(help: "table, json or csv.")
    var format: OutputFormatOption = .table

    func validate() throws {
        if let since { _ = try sinceCutoff(since) }
    }

    func run() throws {
        let store = try database.openStore()
        let report = try store.shadowReport(since: try since.map(sinceCutoff), detector: detector)
        print(ReportRenderer.render(shadow: report, format: OutputFormat(rawValue: format.rawValue) ?? .table))
    }
}
