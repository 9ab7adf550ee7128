import Foundation
import GRDB
import GuardlineTransport
import XCTest

/// The wire protocol, black-box, against a real daemon process over loopback.
class ProtocolEndToEndTests: XCTestCase {
    nonisolated(unsafe) static var daemon: TestDaemon!

    /// Config lines added to the test daemon's; a subclass reruns every test
    /// against another transport setup.
    class var extraConfig: String { "max_line_bytes: 4096\n" }

    override class func setUp() {
        super.setUp()
        do {
            daemon = try TestDaemon(extraConfig: extraConfig)
            try daemon.start()
        } catch {
            XCTFail("daemon did not start: \(error)")
        }
    }

    override class func tearDown() {
        _ = daemon?.stop()
        daemon = nil
        super.tearDown()
    }

    func test_verdicts_comeBackInRequestOrder_underPipelining() throws {
        let client = try LineClient(Self.daemon.address)
        let lines = (0..<3000).map { eventLine(id: "pipe-\($0)", account: "pipe-\($0 % 17)", text: $0 % 100 == 0 ? "an attack-phrase here" : "hello \($0)") }
        try client.send(lines: lines)
        let replies = try client.readJSON(3000)
        XCTAssertEqual(replies.map { $0["id"] as? String }, (0..<3000).map { "pipe-\($0)" })
        XCTAssertTrue(replies.allSatisfy { $0["ok"] as? Bool == true })
        let fired = replies[0]
        XCTAssertEqual((fired["signals"] as? [[String: Any]])?.first?["detector"] as? String, "test-high")
        XCTAssertEqual((fired["signals"] as? [[String: Any]])?.first?["labels"] as? [String], ["test_attack"])
        XCTAssertEqual(fired["score"] as? Double ?? 0, 0.9, accuracy: 1e-9)
        XCTAssertEqual((replies[1]["signals"] as? [Any])?.count, 0)
        XCTAssertEqual(replies[1]["score"] as? Double, 0)
    }

    func test_manyConcurrentConnections_eachGetTheirOwnVerdictsInOrder() throws {
        let clients = try (0..<200).map { _ in try LineClient(Self.daemon.address) }
        for (c, client) in clients.enumerated() {
            try client.send(lines: (0..<25).map { eventLine(id: "c\(c)-\($0)", account: "many-\(c)") })
        }
        for (c, client) in clients.enumerated() {
            let ids = try client.readJSON(25).map { $0["id"] as? String }
            XCTAssertEqual(ids, (0..<25).map { "c\(c)-\($0)" })
        }
    }

    func test_everyErrorCode_isAnsweredAndTheConnectionKeepsServing() throws {
        let client = try LineClient(Self.daemon.address)
        var payload: [UInt8] = []
        func add(_ s: String) { payload.append(contentsOf: Array(s.utf8)) }
        add("{not json\n")                                                       // invalid_json
        add("{\"id\":\"e1\",\"text\":\"no account\"}\n")                          // invalid_event: account_id
        add("{\"id\":\"e2\",\"account_id\":\"a\",\"role\":\"robot\"}\n")          // invalid_event: role
        add("{\"id\":\"e3\",\"account_id\":\"a\",\"text\":\"" + String(repeating: "x", count: 5000) + "\"}\n") // line_too_long
        add("{\"id\":\"e4\",\"account_id\":\"a\",\"text\":\"bad ")
        payload.append(contentsOf: [0xC3, 0x28])                                  // invalid UTF-8
        add("\"}\n")
        add("{\"type\":\"teleport\",\"id\":\"e5\"}\n")                           // unknown_type
        add("{\"type\":\"ping\"}\r\n")                                           // CRLF accepted
        add(eventLine(id: "ok-after-errors", account: "a") + "\n")
        try client.socket.writeAll(payload)
        let replies = try client.readJSON(8)
        func code(_ reply: [String: Any]) -> String? { (reply["error"] as? [String: Any])?["code"] as? String }
        func message(_ reply: [String: Any]) -> String { (reply["error"] as? [String: Any])?["message"] as? String ?? "" }
        XCTAssertEqual(code(replies[0]), "invalid_json")
        XCTAssertEqual(replies[0]["ok"] as? Bool, false)
        XCTAssertEqual(code(replies[1]), "invalid_event")
        XCTAssertEqual(replies[1]["id"] as? String, "e1", "the id is echoed when readable")
        XCTAssertTrue(message(replies[1]).contains("account_id"), message(replies[1]))
        XCTAssertEqual(code(replies[2]), "invalid_event")
        XCTAssertTrue(message(replies[2]).contains("role"), message(replies[2]))
        XCTAssertEqual(code(replies[3]), "line_too_long")
        XCTAssertTrue(message(replies[3]).contains("4096"), message(replies[3]))
        XCTAssertEqual(code(replies[4]), "invalid_utf8")
        XCTAssertEqual(code(replies[5]), "unknown_type")
        XCTAssertTrue(message(replies[5]).contains("teleport"), message(replies[5]))
        XCTAssertEqual(replies[6]["type"] as? String, "pong")
        XCTAssertEqual(replies[7]["id"] as? String, "ok-after-errors")
        XCTAssertEqual(replies[7]["ok"] as? Bool, true)
    }

    func test_lineTooLong_splitAcrossManyWrites_isAnsweredOnce() throws {
        let client = try LineClient(Self.daemon.address)
        let big = "{\"id\":\"big\",\"account_id\":\"a\",\"text\":\"" + String(repeating: "y", count: 20_000) + "\"}\n"
        let bytes = Array(big.utf8)
        for start in stride(from: 0, to: bytes.count, by: 1000) {
            try client.socket.writeAll(Array(bytes[start..<min(bytes.count, start + 1000)]))
        }
        try client.send(eventLine(id: "next", account: "a") + "\n")
        let replies = try client.readJSON(2)
        XCTAssertEqual((replies[0]["error"] as? [String: Any])?["code"] as? String, "line_too_long")
        XCTAssertEqual(replies[1]["id"] as? String, "next")
    }

    func test_helloNone_silencesReplies_andAClientThatNeverReadsNeverStallsIngestion() throws {
        let silent = try LineClient(Self.daemon.address)
        try silent.send("{\"type\":\"hello\",\"responses\":\"none\"}\n")
        // 40,000 events (~4 MB) that nobody reads: with responses none nothing is queued for it.
        let batch = (0..<40_000).map { eventLine(id: "s\($0)", account: "silent-\($0 % 50)", text: $0 == 39_999 ? "BOOM-CRITICAL" : "quiet") }
        try silent.send(lines: batch)
        // Another client is served meanwhile, and sees the last silent event's effect once it is processed.
        let probe = try LineClient(Self.daemon.address)
        let deadline = Date().addingTimeInterval(20)
        var flagged = false
        while Date() < deadline && !flagged {
            try probe.send(eventLine(id: "probe", account: "silent-49") + "\n")
            let reply = try probe.readJSON(1)[0]
            flagged = reply["flagged"] as? Bool == true
            if !flagged { usleep(50_000) }
        }
        XCTAssertTrue(flagged, "every silent event was processed, including the last (critical) one")
        silent.socket.setReceiveTimeout(seconds: 0.3)
        var chunk = [UInt8](repeating: 0, count: 64)
        let n = (try? chunk.withUnsafeMutableBytes { try silent.socket.read(into: $0) }) ?? -1
        XCTAssertLessThanOrEqual(n, 0, "a responses:none connection receives nothing")
    }

    func test_helloVerdict_andPing() throws {
        let client = try LineClient(Self.daemon.address)
        try client.send("{\"type\":\"hello\",\"responses\":\"verdict\"}\n{\"type\":\"ping\"}\n")
        let replies = try client.readJSON(2)
        XCTAssertEqual(replies[0]["type"] as? String, "hello")
        XCTAssertEqual(replies[1]["type"] as? String, "pong")
        XCTAssertEqual(replies[1]["ok"] as? Bool, true)
    }

    func test_lastLineWithoutNewline_isAnsweredAtEndOfInput() throws {
        let client = try LineClient(Self.daemon.address)
        try client.send(eventLine(id: "tail", account: "tail"))
        client.socket.shutdownWrite()
        XCTAssertEqual(try client.readJSON(1)[0]["id"] as? String, "tail")
    }

    func test_shadowDetector_isRecordedButNeverChangesTheVerdict() throws {
        let client = try LineClient(Self.daemon.address)
        try client.send(lines: (0..<5).map { eventLine(id: "sh\($0)", account: "shadowed", text: "shadow-phrase") })
        let replies = try client.readJSON(5)
        for reply in replies {
            XCTAssertEqual((reply["signals"] as? [Any])?.count, 0)
            XCTAssertEqual(reply["flagged"] as? Bool, false)
            XCTAssertEqual(reply["risk"] as? Double, 0)
        }
        // The would-be flag is recorded apart from the real ones.
        let queue = try DatabaseQueue(path: Self.daemon.databasePath)
        var shadowFlagged = false
        let deadline = Date().addingTimeInterval(10)
        while !shadowFlagged && Date() < deadline {
            shadowFlagged = try queue.read {
                try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM shadow_flagged_accounts WHERE account_id = 'shadowed'") == 1
            }
            if !shadowFlagged { usleep(50_000) }
        }
        XCTAssertTrue(shadowFlagged, "shadow evaluation records the account it would flag")
        let real = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM flagged_accounts WHERE account_id = 'shadowed'") }
        XCTAssertEqual(real, 0, "but never flags it for real")
        let modes = try queue.read { try String.fetchAll($0, sql: "SELECT DISTINCT mode FROM signals WHERE account_id = 'shadowed'") }
        XCTAssertEqual(modes, ["shadow"])
    }

    func test_criticalDetectorInToolArguments_flagsAtOnce() throws {
        let client = try LineClient(Self.daemon.address)
        try client.send(eventLine(id: "tool", account: "agent-1", text: "",
                                  role: "assistant", extra: "\"tool_calls\":[{\"name\":\"shell\",\"arguments\":{\"cmd\":\"BOOM-CRITICAL\"}}]") + "\n")
        let reply = try client.readJSON(1)[0]
        XCTAssertEqual(reply["flagged"] as? Bool, true)
        XCTAssertEqual((reply["signals"] as? [[String: Any]])?.first?["detector"] as? String, "test-critical")
    }

    func test_refusalVelocity_firesOnTheThirdRefusal() throws {
        let client = try LineClient(Self.daemon.address)
        try client.send(lines: (0..<3).map { eventLine(id: "r\($0)", account: "prober", role: "assistant", refusal: true) })
        let replies = try client.readJSON(3)
        XCTAssertEqual((replies[1]["signals"] as? [Any])?.count, 0)
        XCTAssertEqual((replies[2]["signals"] as? [[String: Any]])?.first?["detector"] as? String, "test-refusals")
    }
}


/// Every protocol test again with two workers whose sockets are watched by
/// read loops (`read_loop: on`) instead of Dispatch sources.
final class ProtocolOnReadLoopEndToEndTests: ProtocolEndToEndTests {
    override class var extraConfig: String { "max_line_bytes: 4096\nworkers: 2\nread_loop: on\n" }

    // Listed again because test discovery on Linux only sees methods declared
    // in the class itself.
    override func test_verdicts_comeBackInRequestOrder_underPipelining() throws { try super.test_verdicts_comeBackInRequestOrder_underPipelining() }
    override func test_manyConcurrentConnections_eachGetTheirOwnVerdictsInOrder() throws { try super.test_manyConcurrentConnections_eachGetTheirOwnVerdictsInOrder() }
    override func test_everyErrorCode_isAnsweredAndTheConnectionKeepsServing() throws { try super.test_everyErrorCode_isAnsweredAndTheConnectionKeepsServing() }
    override func test_lineTooLong_splitAcrossManyWrites_isAnsweredOnce() throws { try super.test_lineTooLong_splitAcrossManyWrites_isAnsweredOnce() }
    override func test_helloNone_silencesReplies_andAClientThatNeverReadsNeverStallsIngestion() throws { try super.test_helloNone_silencesReplies_andAClientThatNeverReadsNeverStallsIngestion() }
    override func test_helloVerdict_andPing() throws { try super.test_helloVerdict_andPing() }
    override func test_lastLineWithoutNewline_isAnsweredAtEndOfInput() throws { try super.test_lastLineWithoutNewline_isAnsweredAtEndOfInput() }
    override func test_shadowDetector_isRecordedButNeverChangesTheVerdict() throws { try super.test_shadowDetector_isRecordedButNeverChangesTheVerdict() }
    override func test_criticalDetectorInToolArguments_flagsAtOnce() throws { try super.test_criticalDetectorInToolArguments_flagsAtOnce() }
    override func test_refusalVelocity_firesOnTheThirdRefusal() throws { try super.test_refusalVelocity_firesOnTheThirdRefusal() }
}
