import Foundation
import XCTest

/// `guardline bench` is a measuring tool, so its figures are never asserted;
/// what is tested is that it drives a real daemon, counts every reply, and
/// tells verdicts from error replies.
final class BenchCommandTests: XCTestCase {
    func test_bench_againstRunningDaemon_reportsRatesAndCountsErrorReplies() throws {
        let daemon = try TestDaemon()
        let address = try daemon.start()
        defer { _ = daemon.stop() }
        // Two verdicts and one invalid_event (no account_id) per three events sent.
        let lines = [
            eventLine(id: "b1", account: "acct-1", text: "hello there"),
            #"{"id":"b2","text":"no account"}"#,
            eventLine(id: "b3", account: "acct-2", text: "another ordinary message"),
        ]
        let file = daemon.directory.appendingPathComponent("bench.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)

        let (status, output, errors) = try TestDaemon.cli([
            "bench", "--to", "\(address)", "--file", file.path, "--duration", "1", "--warmup", "0.2",
            "--connections", "2", "--in-flight", "6", "--runs", "1",
        ])
        XCTAssertEqual(status, 0, errors)
        let run = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("run 1:") }, output)
        let fields = run.split(separator: " ")
        let rate = try XCTUnwrap(fields.firstIndex(of: "events/s").map { Double(fields[$0 - 1]) } ?? nil, String(run))
        let errorCount = try XCTUnwrap(fields.firstIndex(of: "errors").map { Int(fields[$0 + 1]) } ?? nil, String(run))
        XCTAssertGreaterThan(rate, 0)
        // A third of the replies are errors; bounds allow for where the measured second starts and stops.
        let replies = rate * 1.0
        XCTAssertGreaterThan(Double(errorCount), replies * 0.25, String(run))
        XCTAssertLessThan(Double(errorCount), replies * 0.42, String(run))
        XCTAssertTrue(output.contains("median:"), output)
    }

    func test_bench_idleConnections_areEachServedThenHeldOpenThroughTheRuns() throws {
        // Not started: bench starts its own daemon from this config, so it can read the daemon's memory.
        let daemon = try TestDaemon()
        let (status, output, errors) = try TestDaemon.cli([
            "bench", "--config", daemon.configPath, "--idle-connections", "300", "--duration", "0.5", "--warmup", "0.2",
            "--connections", "2", "--in-flight", "4", "--runs", "1",
        ])
        XCTAssertEqual(status, 0, errors)
        let idle = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("idle connections:") }, output)
        XCTAssertTrue(idle.contains("300 open, each answered a ping"), String(idle))
        XCTAssertTrue(idle.contains("KB per connection"), String(idle))
        XCTAssertTrue(output.contains("run 1:"), output)
    }
}
