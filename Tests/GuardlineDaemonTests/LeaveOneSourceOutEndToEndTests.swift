import Foundation
import XCTest

/// `guardline eval --leave-one-source-out`: one model per held-out source, cut on the benign pool, end to end.
final class LeaveOneSourceOutEndToEndTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-loso-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ lines: [String]) throws -> String {
        let file = directory.appendingPathComponent(name)
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    private func event(_ id: String, _ source: String, _ label: String, _ text: String, channel: String = "user") -> String {
        "{\"id\":\"\(id)\",\"account_id\":\"a\",\"text\":\"\(text)\",\"label\":\"\(label)\",\"source\":\"\(source)\",\"channel\":\"\(channel)\"}"
    }

    /// alpha and beta attack with the same words; gamma attacks with words that only ever occur in benign
    /// events elsewhere, so a model that never saw gamma's attacks misses them.
    private func trainingFile() throws -> String {
        var lines: [String] = []
        lines += (1...5).map { event("a\($0)", "alpha", "attack", "zork blarg payload \($0)") }
        lines += (1...5).map { event("b\($0)", "beta", "attack", "zork blarg exploit \($0)") }
        lines += (1...5).map { event("g\($0)", "gamma", "attack", "plinth vesper quorum \($0)") }
        lines += (1...30).map { event("bb\($0)", "beta", "benign", "plinth vesper quorum note \($0)") }
        lines += (1...20).map { event("d\($0)", "delta", "benign", "hello weather today \($0)") }
        lines.append(event("t1", "delta", "benign", "a tool result", channel: "tool_output"))
        return try write("training.ndjson", lines)
    }

    private func poolFile() throws -> String {
        try write("pool.ndjson", (1...100).map { event("p\($0)", "pool", "benign", "hello weather report \($0)") })
    }

    func test_leaveOneSourceOut_trainsWithoutEachAttackSource_andMissesTheSourceOnlyItsOwnAttacksTeach() throws {
        let (status, json, errors) = try TestDaemon.cli([
            "eval", "--leave-one-source-out", try trainingFile(), "--pool", try poolFile(), "--channel", "user",
            "--buckets", "4096", "--bootstrap", "0", "--format", "json",
        ])
        XCTAssertEqual(status, 0, errors)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(report["pool_events"] as? Int, 100)
        XCTAssertEqual(report["filtered_out"] as? Int, 1, "the tool_output event is outside --channel user")
        let sources = try XCTUnwrap(report["sources"] as? [[String: Any]])
        XCTAssertEqual(sources.map { $0["source"] as? String }, ["alpha", "beta", "gamma"], "delta has no attacks to hold out")
        XCTAssertEqual(sources.map { $0["training_events"] as? Int }, [60, 30, 60], "every event of the held-out source is left out")
        XCTAssertEqual(sources.map { $0["training_attacks"] as? Int }, [10, 10, 10])
        XCTAssertEqual(sources.map { $0["test_benign"] as? Int }, [0, 30, 0])
        let points = try XCTUnwrap(report["recall_at_fpr"] as? [[String: Any]])
        let atOnePercent = try XCTUnwrap(points.last?["sources"] as? [[String: Any]])
        XCTAssertEqual(atOnePercent.map { $0["recall"] as? Double }, [1.0, 1.0, 0.0],
                       "alpha and beta teach each other; gamma's words were only ever benign")
        let pooled = try XCTUnwrap(points.last?["pooled"] as? [String: Any])
        XCTAssertEqual([pooled["detected"], pooled["attacks"]] as? [Int], [10, 15])
    }

    func test_leaveOneSourceOut_needsAPoolAndTwoAttackSources() throws {
        let training = try trainingFile()
        let (status, _, errors) = try TestDaemon.cli(["eval", "--leave-one-source-out", training])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(errors.contains("--leave-one-source-out needs --pool FILE"), errors)
        let single = try write("single.ndjson", [event("x1", "alpha", "attack", "zork"), event("x2", "delta", "benign", "hello")])
        let (singleStatus, _, singleErrors) = try TestDaemon.cli(["eval", "--leave-one-source-out", single, "--pool", try poolFile()])
        XCTAssertEqual(singleStatus, 2)
        XCTAssertTrue(singleErrors.contains("needs attack events from at least two sources (found 1)"), singleErrors)
    }
}
