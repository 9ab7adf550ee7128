import Foundation
import GuardlineDetectors
import XCTest

/// `awaitReady`: a generation waits for a new child to answer before it is
/// swapped in, so the hot path never spends its deadline on a child that is
/// still starting.
final class ProcessDetectorReadinessTests: XCTestCase {
    private typealias Support = ProcessDetectorTestSupport

    /// A child that spends `seconds` starting up (as a model load would) before it reads.
    private func slowStartingChild(_ seconds: Double) -> [String] {
        let script = """
        import json, sys, time
        time.sleep(\(seconds))
        for line in sys.stdin:
            r = json.loads(line)
            sys.stdout.write(json.dumps({"seq": r["seq"], "score": 0.75}) + "\\n")
            sys.stdout.flush()
        """
        return ["python3", "-c", script]
    }

    func test_awaitReady_waitsForASlowStartingChildThenBatchesMeetTheirDeadline() throws {
        let detector = ProcessDetector(configuration: Support.configuration(slowStartingChild(0.4), deadline: 0.05))
        try detector.start()
        defer { detector.stop() }
        let started = Date()
        XCTAssertTrue(detector.awaitReady(timeout: 5))
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.3, "returned only once the child could answer")
        let results = detector.score(batch: Support.requests(["a", "b", "c"]))
        XCTAssertEqual(results.map { $0?.score }, [0.75, 0.75, 0.75], "a ready child answers within a 50 ms deadline")
        let statistics = detector.statistics
        XCTAssertEqual(statistics.timeouts, 0)
        XCTAssertEqual(statistics.requests, 3, "the probe is not counted")
        XCTAssertEqual(statistics.breaker, .closed)
    }

    func test_awaitReady_givesUpOnAChildThatNeverAnswers() throws {
        let silent = ["python3", "-c", "import sys\nfor line in sys.stdin: pass"]
        let detector = ProcessDetector(configuration: Support.configuration(silent, deadline: 0.05))
        try detector.start()
        defer { detector.stop() }
        let started = Date()
        XCTAssertFalse(detector.awaitReady(timeout: 0.3))
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(elapsed, 0.25)
        XCTAssertLessThan(elapsed, 2)
        XCTAssertEqual(detector.statistics.timeouts, 0, "the probe's miss is not a scoring timeout")
        XCTAssertEqual(detector.statistics.breaker, .closed, "nor a breaker failure")
    }
}
