import ArgumentParser
import Foundation
import GuardlineDaemon
import Logging

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon.")

    @Option(help: "Config file (YAML). Without one, built-in defaults and the shipped starter detectors are used.")
    var config: String?

    @Option(help: "Listen address HOST:PORT (port 0 picks a free port; the bound address is logged).")
    var listen: String?

    @Option(name: .customLong("db"), help: "SQLite database file (created if missing).")
    var database: String?

    @Option(help: "Prometheus /metrics address HOST:PORT; empty string disables.")
    var metricsListen: String?

    @Option(help: "Worker queues (overrides the config's `workers`).")
    var workers: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() throws {
        let level = Logger.Level(rawValue: logLevel ?? "info") ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "guardline")
        let daemon: Daemon
        do {
            daemon = try Daemon(options: .init(configPath: config, listen: listen, database: database,
                                               metricsListen: metricsListen, workers: workers), logger: logger)
            try daemon.start()
        } catch {
            logger.critical("guardline.refused_to_start", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("guardline: \(error)\n".utf8))
            throw ExitCode(2)
        }
        daemon.runForever()
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the config and every detector file; errors as file:line:column.")

    @Option(help: "Config file (YAML). Without one, the built-in defaults and shipped detectors are checked.")
    var config: String?

    func run() throws {
        switch ConfigCheck.run(configPath: config) {
        case .success(let summary):
            print(summary)
        case .failure(let error):
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
