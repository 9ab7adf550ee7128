import Foundation
import XCTest

/// `guardline eval` per source, channel and family, and recall at fixed benign false-positive rates, end to end.
final class EvalBreakdownEndToEndTests: XCTestCase {
    /// Five attacks from two sources and a hundred benign events, one of which trips test-high (score 0.9).
    private func writeEvents(in daemon: TestDaemon) throws -> String {
        func event(_ id: String, _ source: String, _ label: String, _ family: String, _ text: String) -> String {
            "{\"id\":\"\(id)\",\"account_id\":\"a\",\"text\":\"\(text)\",\"label\":\"\(label)\",\"source\":\"\(source)\",\"channel\":\"user\",\"family\":\"\(family)\"}"
        }
        var lines = [
            event("a1", "s1", "attack", "injection", "attack-phrase here"),
            event("a2", "s1", "attack", "injection", "BOOM-CRITICAL"),
            event("a3", "s1", "attack", "harmful", "nothing matches"),
            "{\"id\":\"a4\",\"account_id\":\"a\",\"role\":\"assistant\",\"tool_calls\":[{\"name\":\"run\",\"arguments\":\"{\\\"q\\\":\\\"BOOM-CRITICAL\\\"}\"}],"
                + "\"label\":\"attack\",\"source\":\"s2\",\"channel\":\"tool_arguments\",\"family\":\"code_injection\"}",
            event("a5", "s2", "attack", "harmful", "still nothing"),
            event("b0", "pool", "benign", "benign", "quoting attack-phrase in a question"),
        ]
        lines += (1...99).map { event("b\($0)", "pool", "benign", "benign", "hello number \($0)") }
        let file = daemon.directory.appendingPathComponent("sources.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func test_eval_reportsRecallAndFalsePositivesPerSourceChannelAndFamily() throws {
        let daemon = try TestDaemon()
        let file = try writeEvents(in: daemon)
        let (status, json, errors) = try TestDaemon.cli(["eval", file, "--config", daemon.configPath, "--format", "json", "--bootstrap", "0"])
        XCTAssertEqual(status, 0, errors)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        func counts(_ table: String, _ key: String) -> [Int]? {
            let row = (report[table] as? [String: [String: Any]])?[key]
            return [row?["tp"], row?["fn"], row?["fp"], row?["tn"]] as? [Int]
        }
        XCTAssertEqual(counts("sources", "s1"), [2, 1, 0, 0])
        XCTAssertEqual(counts("sources", "s2"), [1, 1, 0, 0])
        XCTAssertEqual(counts("sources", "pool"), [0, 0, 1, 99])
        XCTAssertEqual(counts("channels", "tool_arguments"), [1, 0, 0, 0])
        XCTAssertEqual(counts("channels", "user"), [2, 2, 1, 99])
        XCTAssertEqual(counts("families", "harmful"), [0, 2, 0, 0])
        XCTAssertEqual(counts("families", "injection"), [2, 0, 0, 0])
        let bySource = try XCTUnwrap((report["detector_sources"] as? [String: [String: [String: Any]]])?["test-high"])
        XCTAssertEqual(bySource["pool"]?["fp"] as? Int, 1, "the benign false positive is test-high's, on the pool")
        XCTAssertEqual(bySource["s1"]?["tp"] as? Int, 1)
    }

    func test_eval_recallAtFixedFalsePositiveRates_cutsOnTheBenignEvents() throws {
        let daemon = try TestDaemon()
        let file = try writeEvents(in: daemon)
        let (status, json, errors) = try TestDaemon.cli(["eval", file, "--config", daemon.configPath, "--format", "json", "--bootstrap", "0"])
        XCTAssertEqual(status, 0, errors)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let points = try XCTUnwrap(report["recall_at_fpr"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["target_fpr"] as? Double }, [0.001, 0.01])
        // 0.1 %: no benign event may fire, so the cut is the false positive's 0.9 and only BOOM-CRITICAL (1.0) counts.
        let strict = try XCTUnwrap(points[0]["pooled"] as? [String: Any])
        XCTAssertEqual([strict["detected"], strict["attacks"]] as? [Int], [2, 5])
        // 1 %: one benign event may fire, so every attack that fired at all counts.
        let loose = try XCTUnwrap(points[1]["pooled"] as? [String: Any])
        XCTAssertEqual([loose["detected"], loose["attacks"]] as? [Int], [3, 5])
        let sources = try XCTUnwrap(points[1]["sources"] as? [[String: Any]])
        XCTAssertEqual(sources.map { $0["source"] as? String }, ["s1", "s2"])
        XCTAssertEqual(sources.map { $0["detected"] as? Int }, [2, 1])
        XCTAssertEqual(sources.first?["pool_fpr"] as? Double, 0.01)
    }

    func test_eval_bootstrapIntervalsAreTheSameForTheSameSeed_andTheTableShowsThem() throws {
        let daemon = try TestDaemon()
        let file = try writeEvents(in: daemon)
        let arguments = ["eval", file, "--config", daemon.configPath, "--bootstrap", "200", "--bootstrap-seed", "9"]
        let (status, first, errors) = try TestDaemon.cli(arguments)
        XCTAssertEqual(status, 0, errors)
        let (_, second, _) = try TestDaemon.cli(arguments)
        XCTAssertEqual(first, second)
        XCTAssertTrue(first.contains("by source (overall)"), first)
        XCTAssertTrue(first.contains("recall at 1 % benign FPR (1 of 100 benign may fire; 95 % bootstrap interval)"), first)
        XCTAssertNotNil(first.range(of: #"pooled\s+5\s+3\s+0\.600  \[0\.\d{3}, [01]\.\d{3}\]"#, options: .regularExpression), first)
    }

    func test_eval_rejectsFalsePositiveRatesOutsideZeroToOne_andLeaveOneSourceOutOptionsWithoutIt() throws {
        let daemon = try TestDaemon()
        let file = try writeEvents(in: daemon)
        let (status, _, errors) = try TestDaemon.cli(["eval", file, "--false-positive-rate", "1.5"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(errors.contains("--false-positive-rate must be in (0, 1) (got 1.5)"), errors)
        let (poolStatus, _, poolErrors) = try TestDaemon.cli(["eval", file, "--pool", file])
        XCTAssertNotEqual(poolStatus, 0)
        XCTAssertTrue(poolErrors.contains("--pool, --channel and --family apply only with --leave-one-source-out"), poolErrors)
    }
}
