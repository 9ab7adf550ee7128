import Foundation
import XCTest

final class EvalEndToEndTests: XCTestCase {
    func test_eval_matchesAHandComputedConfusionMatrix() throws {
        let daemon = try TestDaemon()  // its config: the test detectors
        func labelled(_ id: Int, _ text: String, _ label: String, _ category: String) -> String {
            "{\"id\":\"e\(id)\",\"account_id\":\"a\",\"text\":\"\(text)\",\"label\":\"\(label)\",\"category\":\"\(category)\"}"
        }
        let lines = [
            labelled(1, "x attack-phrase", "attack", "cat-a"), labelled(2, "attack-phrase y", "attack", "cat-a"),
            labelled(3, "attack-phrase", "attack", "cat-a"), labelled(4, "missed attack", "attack", "cat-b"),
            labelled(5, "quoting attack-phrase", "benign", "cat-c"), labelled(6, "hello", "benign", "cat-c"),
            labelled(7, "fine", "benign", "cat-c"), labelled(8, "shadow-phrase only", "benign", "cat-c"),
            "{\"id\":\"e9\",\"account_id\":\"a\",\"text\":\"no label\"}",
        ]
        let file = daemon.directory.appendingPathComponent("labelled.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let (status, json, errors) = try TestDaemon.cli(["eval", file.path, "--config", daemon.configPath, "--format", "json"])
        XCTAssertEqual(status, 0, errors)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(report["events"] as? Int, 8)
        XCTAssertEqual(report["skipped"] as? Int, 1)
        let high = try XCTUnwrap((report["detectors"] as? [String: [String: Any]])?["test-high"])
        XCTAssertEqual([high["tp"], high["fp"], high["tn"], high["fn"]] as? [Int], [3, 1, 3, 1])
        XCTAssertEqual(high["tpr"] as? Double ?? 0, 0.75, accuracy: 1e-9)
        XCTAssertEqual(high["fpr"] as? Double ?? 0, 0.25, accuracy: 1e-9)
        XCTAssertEqual(high["precision"] as? Double ?? 0, 0.75, accuracy: 1e-9)
        XCTAssertEqual(high["f1"] as? Double ?? 0, 0.75, accuracy: 1e-9)
        let shadow = try XCTUnwrap((report["detectors"] as? [String: [String: Any]])?["test-shadow"])
        XCTAssertEqual([shadow["tp"], shadow["fp"]] as? [Int], [0, 1], "shadow detectors are scored too")
        let overall = try XCTUnwrap(report["overall"] as? [String: Any])
        XCTAssertEqual([overall["tp"], overall["fp"], overall["tn"], overall["fn"]] as? [Int], [3, 1, 3, 1],
                       "overall counts enforcing detectors only")
        let categories = try XCTUnwrap(report["categories"] as? [String: [String: Any]])
        XCTAssertEqual(categories["cat-a"]?["tp"] as? Int, 3)
        XCTAssertEqual(categories["cat-b"]?["fn"] as? Int, 1)
        XCTAssertEqual(categories["cat-c"]?["fp"] as? Int, 1)
        XCTAssertEqual(report["threshold_fpr_1pct"] as? Double ?? 0, 0.95, accuracy: 1e-9,
                       "the false positive scores 0.9, so FPR reaches 0 only above it")
        let sweep = try XCTUnwrap(report["sweep"] as? [[String: Any]])
        XCTAssertEqual(sweep.count, 20)
        XCTAssertEqual(sweep.last?["tpr"] as? Double, 0, "nothing scores 1.0")
    }

    /// A `kind: process` detector is scored by its real child in event-level eval too.
    func test_eval_scoresProcessDetectorsThroughTheirChild() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-eval-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let child = """
        import json, sys
        for line in sys.stdin:
            r = json.loads(line)
            score = 0.9 if "smuggle-the-ledger" in r["text"] else 0.0
            sys.stdout.write(json.dumps({"seq": r["seq"], "score": score, "labels": ["ledger"]}) + "\\n")
            sys.stdout.flush()
        """
        try child.write(to: root.appendingPathComponent("child.py"), atomically: true, encoding: .utf8)
        try """
        name: ledger-child
        version: 1.0.0
        description: eval test
        kind: process
        severity: high
        command: [python3, child.py]
        deadline: 2s
        """.write(to: root.appendingPathComponent("ledger-child.yaml"), atomically: true, encoding: .utf8)
        let daemon = try TestDaemon(detectors: root.path)
        let lines = [
            #"{"id":"p1","account_id":"a","text":"please smuggle-the-ledger out","label":"attack"}"#,
            #"{"id":"p2","account_id":"a","text":"an ordinary question","label":"benign"}"#,
            #"{"id":"p3","account_id":"a","text":"an attack it misses","label":"attack"}"#,
        ]
        let file = root.appendingPathComponent("labelled.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let (status, json, errors) = try TestDaemon.cli(["eval", file.path, "--config", daemon.configPath, "--format", "json"])
        XCTAssertEqual(status, 0, errors)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let detector = try XCTUnwrap((report["detectors"] as? [String: [String: Any]])?["ledger-child"], json)
        XCTAssertEqual([detector["tp"], detector["fp"], detector["tn"], detector["fn"]] as? [Int], [1, 0, 1, 1])
    }

    func test_evalAccounts_comparesPipelineFlagsWithGroundTruth() throws {
        let daemon = try TestDaemon()
        var lines: [String] = []
        for i in 0..<4 { lines.append(eventLine(id: "m\(i)", account: "mal-1", text: i == 3 ? "attack-phrase BOOM-CRITICAL" : "hi", extra: "\"label\":\"attack\"")) }
        for i in 0..<3 { lines.append(eventLine(id: "b\(i)", account: "ben-1", text: "hello", extra: "\"label\":\"benign\"")) }
        lines.append(eventLine(id: "x", account: "ben-2", text: "BOOM-CRITICAL in a quote", extra: "\"label\":\"benign\""))
        lines.append(eventLine(id: "y", account: "mal-2", text: "quiet", extra: "\"label\":\"attack\""))
        let events = daemon.directory.appendingPathComponent("events.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: events, atomically: true, encoding: .utf8)
        let truth = daemon.directory.appendingPathComponent("accounts.csv")
        try "account_id,malicious\nmal-1,true\nmal-2,1\nben-1,false\nben-2,false\n".write(to: truth, atomically: true, encoding: .utf8)
        let (status, json, errors) = try TestDaemon.cli(["eval", events.path, "--config", daemon.configPath, "--accounts", truth.path, "--format", "json"])
        XCTAssertEqual(status, 0, errors)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let accounts = try XCTUnwrap(report["accounts"] as? [String: Any])
        XCTAssertEqual(accounts["malicious"] as? Int, 2)
        XCTAssertEqual(accounts["malicious_flagged"] as? Int, 1)
        XCTAssertEqual(accounts["benign"] as? Int, 2)
        XCTAssertEqual(accounts["benign_flagged"] as? [String], ["ben-2"])
        XCTAssertEqual(accounts["events_before_flag"] as? [Int], [4], "flagged on its fourth event")
    }
}
