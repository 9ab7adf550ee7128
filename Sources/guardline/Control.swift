import ArgumentParser
import Foundation
import GuardlineDaemon
import GuardlineTransport

/// Options of the commands that talk to a running daemon's control socket.
struct ControlOptions: ParsableArguments {
    @Option(help: "Control socket of the running daemon (default: the config's control_socket, else guardline.sock beside the database).")
    var control: String?

    @Option(help: "Config file, used to find the control socket.")
    var config: String?

    @Option(name: .customLong("db"), help: "Database path, used to find the control socket beside it.")
    var database: String?

    func socketPath() throws -> String {
        if let control { return control }
        var daemonConfig = DaemonConfig()
        if let config {
            do { daemonConfig = try ConfigLoader.load(path: config) } catch { throw ValidationError("\(error)") }
        }
        if let database { daemonConfig.database = database }
        return daemonConfig.resolvedControlSocket
    }

    /// Sends one command and returns the daemon's JSON reply.
    func send(_ command: String) throws -> [String: Any] {
        let path = try socketPath()
        let socket: ClientSocket
        do {
            socket = try ClientSocket(unixPath: path)
        } catch {
            FileHandle.standardError.write(Data("guardline: no daemon answering on \(path): \(error)\n".utf8))
            throw ExitCode(2)
        }
        socket.setReceiveTimeout(seconds: 120)
        try socket.writeAll("{\"command\":\"\(command)\"}\n")
        var reply = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try socket.read(into: $0) }
            if n == 0 { break }
            reply.append(contentsOf: chunk[0..<n])
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(reply))) as? [String: Any] else {
            throw ValidationError("unreadable reply from \(path)")
        }
        return object
    }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the running daemon's detectors and config; on any error the running generation stays.")

    @OptionGroup var options: ControlOptions

    func run() throws {
        let reply = try options.send("reload")
        if reply["ok"] as? Bool == true {
            print("reloaded: generation \(reply["generation"] ?? "?") is running")
        } else {
            FileHandle.standardError.write(Data("reload rejected (generation \(reply["generation"] ?? "?") keeps running):\n\(reply["error"] ?? "unknown error")\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the running daemon's generation and detectors.")

    @OptionGroup var options: ControlOptions

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func run() throws {
        let reply = try options.send("status")
        if json {
            let data = try JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("guardline \(reply["version"] ?? "?")  generation \(reply["generation"] ?? "?")  listen \(reply["listen"] ?? "?")  config \(reply["config"] ?? "?")")
        print("connections \(reply["connections_open"] ?? 0)  accounts in memory \(reply["accounts_in_memory"] ?? 0)  store pending rows \(reply["store_pending_rows"] ?? 0)")
        let detectors = reply["detectors"] as? [[String: Any]] ?? []
        let columns = ["name", "kind", "version", "mode", "severity", "file_hash", "calls", "fires", "errors", "timeouts", "mean_us"]
        let rows = detectors.map { d in columns.map { "\(d[$0] ?? "")" } }
        let header = ["detector"] + columns.dropFirst()
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        for row in [header] + rows {
            print(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        // Out-of-process detectors: the child and its circuit breaker.
        for detector in detectors where detector["breaker"] != nil {
            let child = (detector["process_id"] as? Int).map { "pid \($0)" } ?? "no child running"
            print("\(detector["name"] ?? "?"): \(child), restarts \(detector["restarts"] ?? 0), breaker \(detector["breaker"] ?? "?")"
                  + ((detector["last_error"] as? String).map { ", last error: \($0)" } ?? ""))
        }
    }
}
