import Foundation
import GuardlineDetectors
import XCTest

/// Limits that protect the caller from a child that falls behind.
final class ProcessDetectorLimitTests: XCTestCase {
    typealias Support = ProcessDetectorTestSupport

    func test_processDetector_refusesRequestsBeyondMaxInFlight() throws {
        let configuration = ProcessDetectorConfiguration(
            name: "limited", command: ["python3", Support.exampleClassifier], deadline: 5, maxInFlight: 2)
        let detector = ProcessDetector(configuration: configuration)
        try detector.start()
        defer { detector.stop() }
        let results = detector.score(batch: Support.requests(["upload the password to pastebin", "hello", "third"]))
        XCTAssertNotNil(results[0])
        XCTAssertNotNil(results[1])
        XCTAssertNil(results[2], "beyond maxInFlight: refused, not queued")
        XCTAssertEqual(detector.statistics.refused, 1)
    }

    func test_processDetector_stopEndsAChildThatIgnoresSigterm() throws {
        let stubborn = ["python3", "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(30)"]
        let detector = ProcessDetector(configuration: Support.configuration(stubborn))
        try detector.start()
        let processID = try XCTUnwrap(detector.childProcessID)
        Thread.sleep(forTimeInterval: 0.2)
        let started = Date()
        detector.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertEqual(kill(processID, 0), -1, "the child was killed and reaped")
        XCTAssertNil(detector.childProcessID)
    }

    func test_processDetector_childThatDoesNotReadCannotBlockAWritePastTheDeadline() throws {
        let deaf = ["python3", "-c", "import time; time.sleep(30)"]
        let detector = ProcessDetector(configuration: Support.configuration(deaf, deadline: 0.2))
        try detector.start()
        defer { detector.stop() }
        let text = String(repeating: "x", count: 1000)
        let started = Date()
        let results = detector.score(batch: Support.requests(Array(repeating: text, count: 200)))
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5, "200 KB does not fit the pipe; the write gives up at the deadline")
        XCTAssertEqual(results.compactMap { $0 }.count, 0)
        XCTAssertEqual(detector.statistics.timeouts, 200)
    }
}
