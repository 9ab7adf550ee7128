import ArgumentParser
import Foundation
import GuardlineDaemon
import GuardlineTransport

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput and latency over loopback: events/s and p50/p99/p999.",
        discussion: """
        Without --to, starts `guardline serve` (shipped detectors, a temporary database) and drives it.
        Each connection keeps --in-flight events outstanding (pipelined); latency is send-to-verdict per event.
        """)

    @Option(help: "Target an already running daemon at HOST:PORT instead of starting one.")
    var to: String?

    @Option(help: "Connections.")
    var connections = 8

    @Option(help: "Events in flight per connection.")
    var inFlight = 64

    @Option(help: "Measured seconds per run.")
    var duration = 10.0

    @Option(help: "Unmeasured warm-up seconds per run.")
    var warmup = 2.0

    @Option(help: "Runs; the median run is reported (shared machines swing by tens of percent).")
    var runs = 1

    @Option(help: "NDJSON file of events to cycle through (default: generated ~900-byte multilingual events).")
    var file: String?

    @Option(help: "Worker queues of the daemon started by bench.")
    var workers = 1

    @Option(help: "Config file for the daemon started by bench.")
    var config: String?

    @Option(help: "Connections opened before the runs and left open and silent (each answers one ping first); prints the daemon's memory and threads before and after.")
    var idleConnections = 0

    func run() throws {
        let pool = try loadPool()
        var daemon: DaemonProcess?
        let address: SocketAddress
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-bench-\(getpid())")
        if let to {
            address = try SocketAddress(parsing: to)
        } else {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            var args = ["--listen", "127.0.0.1:0", "--db", scratch.appendingPathComponent("bench.db").path,
                        "--metrics-listen", "", "--workers", "\(workers)"]
            if let config { args += ["--config", config] }
            let process = DaemonProcess(executable: CommandLine.arguments[0], arguments: args)
            try process.start()
            daemon = process
            address = process.address!
        }
        defer {
            daemon?.stop()
            try? FileManager.default.removeItem(at: scratch)
        }
        let eventBytes = pool.bytes.count / max(1, pool.offsets.count - 1)
        print("guardline bench: \(connections) connections × \(inFlight) in flight, ~\(eventBytes)-byte events, " +
              "\(Int(warmup))s warm-up + \(Int(duration))s measured, \(runs) run(s), target \(address)\(daemon == nil ? "" : " (\(workers) worker(s))")")
        let idle = idleConnections > 0
            ? try Self.openIdleConnections(idleConnections, to: address, daemonPID: daemon?.process.processIdentifier)
            : []
        defer { for socket in idle { socket.close() } }
        var results: [LoadDriver.Result] = []
        for run in 1...max(1, runs) {
            let driver = LoadDriver(connections: connections, inFlight: inFlight, pool: pool)
            let cpuBefore = daemon.flatMap { Self.cpuSeconds(pid: $0.process.processIdentifier) }
            let clientBefore = Self.ownCPUSeconds()
            let result = try driver.run(address: address, warmup: warmup, duration: duration)
            var line = String(format: "run %d: %.0f events/s  p50 %.3f ms  p99 %.3f ms  p999 %.3f ms  errors %d",
                              run, result.eventsPerSecond, result.percentile(50), result.percentile(99), result.percentile(99.9), result.errors)
            // Warm-up events are estimated at the measured rate: CPU time is
            // only readable for the whole run.
            let events = result.eventsPerSecond * (warmup + duration)
            if events > 0 {
                if let cpuBefore, let cpuAfter = daemon.flatMap({ Self.cpuSeconds(pid: $0.process.processIdentifier) }) {
                    line += String(format: "  daemon CPU %.2f µs/event", (cpuAfter - cpuBefore) / events * 1e6)
                }
                line += String(format: "  bench CPU %.2f µs/event", (Self.ownCPUSeconds() - clientBefore) / events * 1e6)
            }
            print(line)
            results.append(result)
        }
        let median = results.sorted { $0.eventsPerSecond < $1.eventsPerSecond }[results.count / 2]
        print(String(format: "median: %.0f events/s  p50 %.3f ms  p99 %.3f ms  p999 %.3f ms",
                     median.eventsPerSecond, median.percentile(50), median.percentile(99), median.percentile(99.9)))
    }

    /// User plus system CPU seconds of a process, from `/proc/PID/stat`.
    /// Unlike events/s, CPU time per event barely moves when other load
    /// shares the machine, so it is the figure to compare changes by.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// User plus system CPU seconds of this process: the load generator's
    /// share of the cores it has in common with the daemon.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private func loadPool() throws -> (bytes: [UInt8], offsets: [Int]) {
        guard let file else {
            var generator = BenchEventGenerator()
            return generator.pool(count: 4096)
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            offsets.append(bytes.count)
            bytes.append(contentsOf: line.utf8)
            bytes.append(0x0A)
        }
        guard !offsets.isEmpty else { throw ValidationError("\(file) holds no events") }
        offsets.append(bytes.count)
        return (bytes, offsets)
    }
}
