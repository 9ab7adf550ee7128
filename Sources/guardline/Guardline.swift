import ArgumentParser

/// The `guardline` command: only the list of subcommands lives here.
@main
struct Guardline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardline",
        abstract: "Real-time safeguards signal daemon: scores conversation events, flags risky accounts.",
        version: "0.1.0",
        subcommands: [Serve.self, CheckConfig.self, Flagged.self, Account.self, Send.self, Bench.self, Reload.self, Status.self, Replay.self, ShadowReportCommand.self, Eval.self, Train.self, Plugin.self]
    )
}

/// Options shared by commands that read the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "SQLite database (default: the config's `database`, else guardline-data/guardline.db).")
    var database: String?

    @Option(help: "Config file, used to find the database when --db is not given.")
    var config: String?
}

enum OutputFormatOption: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}
