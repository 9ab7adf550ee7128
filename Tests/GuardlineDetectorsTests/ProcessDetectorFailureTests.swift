import Foundation
import GuardlineDetectors
import XCTest

/// Child deaths, restarts, the circuit breaker and bad replies, with real
/// `python3` children.
final class ProcessDetectorFailureTests: XCTestCase {
    typealias Support = ProcessDetectorTestSupport

    /// Answers at once, except for the text "hang", which it never answers.
    static let hangingChild = Support.pythonChild(
        reply: #"{"seq": r["seq"], "score": 0.25, "labels": ["ok"]}"#,
        before: #"if r["text"] == "hang": continue"#)

    func test_processDetector_killedChildResolvesPendingAndRestarts() throws {
        let detector = ProcessDetector(configuration: Support.configuration(Self.hangingChild, deadline: 5, restartBackoff: 0.05))
        try detector.start()
        defer { detector.stop() }
        XCTAssertEqual(detector.score(batch: Support.requests(["warm"]))[0]?.score, 0.25)
        let victim = try XCTUnwrap(detector.childProcessID)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { _ = kill(victim, SIGKILL) }
        let started = Date()
        let results = detector.score(batch: Support.requests(["hang", "hang"]))
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(results.compactMap { $0 }.count, 0)
        XCTAssertLessThan(elapsed, 2, "pending requests resolve when the child dies, not at the 5 s deadline")
        XCTAssertTrue(detector.lastError?.contains("killed by signal 9") ?? false, detector.lastError ?? "nil")

        XCTAssertTrue(Support.eventually { (detector.childProcessID ?? victim) != victim }, "restarted automatically")
        let after = detector.score(batch: Support.requests(["one", "two"]))
        XCTAssertEqual(after.map { $0?.score }, [0.25, 0.25])
        let statistics = detector.statistics
        XCTAssertEqual(statistics.restarts, 1)
        XCTAssertEqual(statistics.timeouts, 0, "a death is not a timeout")
        XCTAssertEqual(statistics.breaker, .closed)
    }

    func test_processDetector_exitingChildOpensBreakerWithReason() throws {
        let exiting = ["python3", "-c", "import sys; sys.stderr.write('model file missing\\n'); sys.exit(3)"]
        let detector = ProcessDetector(configuration: Support.configuration(exiting, breakerFailures: 3, restartBackoff: 0.01))
        try detector.start()
        defer { detector.stop() }
        XCTAssertTrue(Support.eventually {
            if case .open = detector.state { return true }
            return false
        }, "three deaths open the breaker; last error: \(detector.lastError ?? "nil")")
        guard case .open(let reason, let until) = detector.state else { return XCTFail("breaker not open") }
        XCTAssertTrue(reason.contains("3 failures"), reason)
        XCTAssertTrue(reason.contains("exit status 3"), reason)
        XCTAssertGreaterThan(until, ProcessDetector.monotonicNow() + 20)
        XCTAssertTrue(detector.lastError?.contains("model file missing") ?? false, detector.lastError ?? "nil")

        let started = Date()
        let results = detector.score(batch: Support.requests(["a", "b"]))
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.05, "an open breaker answers at once")
        XCTAssertEqual(results.compactMap { $0 }.count, 0)
        XCTAssertEqual(detector.statistics.refused, 2)
        XCTAssertEqual(detector.statistics.breakerOpenings, 1)
    }

    func test_processDetector_errorRepliesOpenBreakerThenHalfOpenTrialCloses() throws {
        let picky = Support.pythonChild(
            reply: #"{"seq": r["seq"], "error": "cannot score"} if r["text"] == "bad" else {"seq": r["seq"], "score": 0.5}"#)
        let detector = ProcessDetector(configuration: Support.configuration(picky, breakerFailures: 2, breakerOpenDuration: 0.3))
        try detector.start()
        defer { detector.stop() }
        XCTAssertNil(detector.score(batch: Support.requests(["bad"]))[0])
        XCTAssertEqual(detector.state, .closed)
        XCTAssertNil(detector.score(batch: Support.requests(["bad"]))[0])
        guard case .open(let reason, _) = detector.state else { return XCTFail("two error replies open the breaker") }
        XCTAssertTrue(reason.contains("cannot score"), reason)
        XCTAssertNil(detector.score(batch: Support.requests(["good"]))[0], "open: the child is not asked")
        XCTAssertEqual(detector.statistics.refused, 1)

        Thread.sleep(forTimeInterval: 0.35)
        XCTAssertEqual(detector.score(batch: Support.requests(["good"]))[0]?.score, 0.5, "half-open trial")
        XCTAssertEqual(detector.state, .closed)
        XCTAssertEqual(detector.statistics.errors, 2)
    }

    func test_processDetector_countsMalformedReplyLinesAsErrors() throws {
        let noisy = Support.pythonChild(
            reply: #"{"seq": r["seq"], "score": 0.75}"#,
            before: #"sys.stdout.write("loading weights...\n{\"score\": 1}\n{\"seq\": \"x\"}\n"); sys.stdout.flush()"#)
        let detector = ProcessDetector(configuration: Support.configuration(noisy))
        try detector.start()
        defer { detector.stop() }
        let results = detector.score(batch: Support.requests(["a", "b"]))
        XCTAssertEqual(results.map { $0?.score }, [0.75, 0.75], "good lines still match by seq")
        let statistics = detector.statistics
        XCTAssertEqual(statistics.errors, 6, "three malformed lines per request")
        XCTAssertTrue(detector.lastError?.contains("malformed reply line") ?? false, detector.lastError ?? "nil")
    }

    func test_processDetector_scoreOutsideUnitIntervalIsAnError() throws {
        let detector = ProcessDetector(configuration: Support.configuration(Support.pythonChild(reply: #"{"seq": r["seq"], "score": 7}"#)))
        try detector.start()
        defer { detector.stop() }
        XCTAssertNil(detector.score(batch: Support.requests(["a"]))[0])
        XCTAssertEqual(detector.statistics.errors, 1)
    }

    func test_processDetector_missingProgramFailsToStart() {
        let detector = ProcessDetector(configuration: Support.configuration(["/nonexistent/guardline-classifier"]))
        XCTAssertThrowsError(try detector.start()) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/guardline-classifier"), "\(error)")
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
        XCTAssertNil(detector.score(batch: Support.requests(["a"]))[0])
        XCTAssertEqual(detector.statistics.refused, 1)
    }
}
