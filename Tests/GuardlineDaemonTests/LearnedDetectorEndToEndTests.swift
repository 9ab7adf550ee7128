import Foundation
import GRDB
import XCTest

/// `guardline train` writes a model; a `kind: learned` detector file loads it
/// into the real daemon, its signals reach verdicts (or only SQLite in shadow
/// mode), and replacing the model file reloads it.
final class LearnedDetectorEndToEndTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-learned-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Labelled events where attacks talk about `attackTopic` and benign events about gardening.
    private func writeTrainingFile(_ name: String, attackTopic: [String]) throws -> String {
        let benignWords = ["water the tomatoes", "prune the roses", "plant some basil", "mulch the beds", "harvest the beans",
                           "sow the carrots", "repot the fern", "feed the lemon tree"]
        let framings = ["please", "can you help me", "I want to", "tell me how to", "remind me to"]
        var lines: [String] = []
        for (i, framing) in framings.enumerated() {
            for (j, phrase) in attackTopic.enumerated() {
                lines.append(#"{"id":"a-\#(i)-\#(j)","account_id":"t","text":"\#(framing) \#(phrase)","label":"attack","category":"toy"}"#)
            }
            for (j, phrase) in benignWords.enumerated() {
                lines.append(#"{"id":"b-\#(i)-\#(j)","account_id":"t","text":"\#(framing) \#(phrase)","label":"benign","category":"garden"}"#)
            }
        }
        let path = scratch.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private let zebraAttacks = ["unlock the zebra vault", "open the zebra vault now", "drain the zebra vault", "copy the zebra vault keys",
                                "empty the zebra vault", "break the zebra vault seal", "leak the zebra vault codes", "raid the zebra vault"]
    private let falconAttacks = ["launch the falcon drone", "arm the falcon drone", "fly the falcon drone over", "hijack the falcon drone",
                                 "steer the falcon drone", "crash the falcon drone", "reprogram the falcon drone", "unleash the falcon drone"]

    @discardableResult
    private func train(_ data: String, out: String, seed: Int = 1, extra: [String] = []) throws -> String {
        let (status, stdout, stderr) = try TestDaemon.cli(["train", data, "--out", out, "--seed", "\(seed)",
                                                           "--buckets", "4096", "--name", "toy"] + extra)
        XCTAssertEqual(status, 0, stderr)
        return stdout
    }

    private func writeDetector(_ directory: URL, mode: String, threshold: String = "") throws {
        try """
        name: learned-toy
        version: 1.0.0
        description: A toy learned detector.
        kind: learned
        severity: high
        mode: \(mode)
        model: toy.glm
        labels: [learned_attack]
        \(threshold)
        """.write(to: directory.appendingPathComponent("learned.yaml"), atomically: true, encoding: .utf8)
    }

    private func fired(_ reply: [String: Any]) -> [String] {
        (reply["signals"] as? [[String: Any]] ?? []).compactMap { $0["detector"] as? String }
    }

    func test_train_sameSeedWritesIdenticalModelFiles_andReportsItsHeldOutSplit() throws {
        let data = try writeTrainingFile("toy.ndjson", attackTopic: zebraAttacks)
        let first = scratch.appendingPathComponent("first.glm").path
        let second = scratch.appendingPathComponent("second.glm").path
        let other = scratch.appendingPathComponent("other.glm").path
        let report = try train(data, out: first, seed: 9)
        try train(data, out: second, seed: 9)
        try train(data, out: other, seed: 10)
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: first))
        XCTAssertEqual(firstBytes, try Data(contentsOf: URL(fileURLWithPath: second)), "same data and seed: same bytes")
        XCTAssertNotEqual(firstBytes, try Data(contentsOf: URL(fileURLWithPath: other)), "another seed: another split and model")
        XCTAssertTrue(report.contains("trained 'toy' on 64 events (32 attacks), seed 9"), report)
        XCTAssertTrue(report.contains("held out: 16 events"), report)
        XCTAssertTrue(report.contains("recommended threshold"), report)

        let (_, json, _) = try TestDaemon.cli(["train", data, "--out", other, "--seed", "10", "--buckets", "4096", "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["held_out_events"] as? Int, 16)
        XCTAssertEqual((object["held_out"] as? [String: Any])?["auc"] as? Double, 1)

        let (badStatus, _, badError) = try TestDaemon.cli(["train", data, "--out", other, "--buckets", "1000"])
        XCTAssertNotEqual(badStatus, 0)
        XCTAssertTrue(badError.contains("--buckets must be a power of two"), badError)
    }

    func test_train_reportsEvaluationFilesAtEachRequestedThreshold() throws {
        let data = try writeTrainingFile("toy.ndjson", attackTopic: zebraAttacks)
        let held = try writeTrainingFile("held.ndjson", attackTopic: zebraAttacks.reversed())
        let out = scratch.appendingPathComponent("toy.glm").path
        let table = try train(data, out: out, extra: ["--evaluate", held, "--evaluate-threshold", "0.9", "--evaluate-threshold", "0.999"])
        XCTAssertTrue(table.contains("evaluated (not trained on): \(held)"), table)
        XCTAssertTrue(table.contains("threshold 0.9000"), table)
        XCTAssertTrue(table.contains("threshold 0.9990"), table)

        let (_, json, _) = try TestDaemon.cli(["train", data, "--out", out, "--buckets", "4096", "--evaluate", held,
                                               "--evaluate-threshold", "0.9", "--evaluate-threshold", "0.999", "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try XCTUnwrap((object["evaluations_at_thresholds"] as? [String: Any])?[held] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["threshold"] as? Double }, [0.9, 0.999], "one row per threshold, in the order given")
        for row in rows {
            XCTAssertEqual((row["tp"] as? Int ?? 0) + (row["fn"] as? Int ?? 0), 40, "every attack of the file is counted")
            XCTAssertEqual((row["fp"] as? Int ?? 0) + (row["tn"] as? Int ?? 0), 40, "every benign event of the file is counted")
        }
        XCTAssertGreaterThanOrEqual(rows[0]["tp"] as? Int ?? -1, rows[1]["tp"] as? Int ?? Int.max,
                                    "a higher threshold never catches more")

        let (badStatus, _, badError) = try TestDaemon.cli(["train", data, "--out", out, "--evaluate-threshold", "1.5"])
        XCTAssertNotEqual(badStatus, 0)
        XCTAssertTrue(badError.contains("--evaluate-threshold must be in (0, 1]"), badError)
    }

    func test_learnedDetector_signalsInVerdicts_andShadowModeNeverChangesThem() throws {
        let data = try writeTrainingFile("toy.ndjson", attackTopic: zebraAttacks)
        let detectors = scratch.appendingPathComponent("detectors")
        try FileManager.default.createDirectory(at: detectors, withIntermediateDirectories: true)
        try train(data, out: detectors.appendingPathComponent("toy.glm").path)
        try writeDetector(detectors, mode: "enforce")

        let daemon = try TestDaemon(detectors: detectors.path)
        try daemon.start()
        XCTAssertTrue(daemon.process?.log.contains("learned-toy@1.0.0(learned,enforce)") ?? false, daemon.process?.log ?? "")
        let client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "e1", account: "robber", text: "could you unlock the zebra vault"),
                                eventLine(id: "e2", account: "gardener", text: "how do I water the tomatoes")])
        let replies = try client.readJSON(2)
        let signal = try XCTUnwrap((replies[0]["signals"] as? [[String: Any]])?.first, "\(replies[0])")
        XCTAssertEqual(signal["detector"] as? String, "learned-toy")
        XCTAssertEqual(signal["labels"] as? [String], ["learned_attack"])
        XCTAssertGreaterThan(signal["score"] as? Double ?? 0, 0.5)
        XCTAssertEqual(fired(replies[1]), [])

        let (_, statusJSON, _) = try TestDaemon.cli(["status", "--db", daemon.databasePath, "--json"])
        let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(statusJSON.utf8)) as? [String: Any])
        let row = try XCTUnwrap((status["detectors"] as? [[String: Any]])?.first { $0["name"] as? String == "learned-toy" })
        XCTAssertEqual(row["kind"] as? String, "learned")
        XCTAssertEqual(row["calls"] as? Int, 2)
        XCTAssertEqual(row["fires"] as? Int, 1)
        XCTAssertEqual(daemon.stop(), 0)

        // The same model in shadow mode: recorded with its evidence, never in a verdict.
        try writeDetector(detectors, mode: "shadow")
        let shadow = try TestDaemon(detectors: detectors.path)
        try shadow.start()
        let shadowClient = try LineClient(shadow.address)
        try shadowClient.send(lines: [eventLine(id: "s1", account: "robber", text: "could you unlock the zebra vault")])
        let shadowReply = try shadowClient.readJSON(1)[0]
        XCTAssertEqual(fired(shadowReply), [], "shadow detectors never appear in a verdict")
        XCTAssertEqual(shadowReply["score"] as? Double, 0)
        XCTAssertEqual(shadow.stop(), 0)
        let rows = try DatabaseQueue(path: shadow.databasePath).read { db in
            try Row.fetchAll(db, sql: "SELECT detector, mode, evidence FROM signals")
        }
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows.first?["mode"] as String?, "shadow")
        XCTAssertEqual(rows.first?["evidence"] as String?, "could you unlock the zebra vault")
    }

    func test_replacingTheModelFile_reloadsWithinASecond_andACorruptModelKeepsTheRunningGeneration() throws {
        let zebra = try writeTrainingFile("zebra.ndjson", attackTopic: zebraAttacks)
        let falcon = try writeTrainingFile("falcon.ndjson", attackTopic: falconAttacks)
        let detectors = scratch.appendingPathComponent("detectors")
        try FileManager.default.createDirectory(at: detectors, withIntermediateDirectories: true)
        let modelPath = detectors.appendingPathComponent("toy.glm").path
        try train(zebra, out: modelPath)
        try writeDetector(detectors, mode: "enforce", threshold: "threshold: 0.5")
        let daemon = try TestDaemon(detectors: detectors.path)
        try daemon.start()
        let client = try LineClient(daemon.address)
        var sequence = 0
        func verdict(_ text: String) throws -> [String] {
            sequence += 1
            try client.send(eventLine(id: "r\(sequence)", account: "acct-\(sequence)", text: text) + "\n")
            return fired(try client.readJSON(1)[0])
        }
        XCTAssertEqual(try verdict("please drain the zebra vault"), ["learned-toy"])
        XCTAssertEqual(try verdict("please hijack the falcon drone"), [])

        // `guardline train` writes atomically (rename): the watcher sees the new model.
        try train(falcon, out: modelPath)
        let replaced = Date()
        var switched = false
        while Date().timeIntervalSince(replaced) < 5 {
            if try verdict("please hijack the falcon drone") == ["learned-toy"] {
                switched = true
                break
            }
            usleep(50_000)
        }
        XCTAssertTrue(switched, daemon.process?.log ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(replaced), 1.5, "the new model is used within about a second")
        XCTAssertEqual(try verdict("please drain the zebra vault"), [], "the old model is gone")

        try Data("GLLINEAR but not really a model".utf8).write(to: URL(fileURLWithPath: modelPath))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !(daemon.process?.log.contains("reload.rejected") ?? false) { usleep(50_000) }
        let log = daemon.process?.log ?? ""
        XCTAssertTrue(log.contains("reload.rejected"), log)
        XCTAssertTrue(log.contains("toy.glm: not a usable model file: truncated"), log)
        XCTAssertEqual(try verdict("please hijack the falcon drone"), ["learned-toy"], "the running generation stays")

        let (code, _, stderr) = try TestDaemon.cli(["reload", "--db", daemon.databasePath])
        XCTAssertEqual(code, 1)
        XCTAssertTrue(stderr.contains("learned detector 'learned-toy'") && stderr.contains("toy.glm"), stderr)
        XCTAssertEqual(daemon.stop(), 0)
    }
}
