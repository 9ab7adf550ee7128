import Foundation
import GuardlineDetectors
import XCTest

/// Child programs and helpers for the process detector tests: every child is
/// a real `python3` process.
enum ProcessDetectorTestSupport {
    static var exampleClassifier: String { ScanSupport.packageRoot() + "/config/plugins/example_classifier.py" }

    /// A child whose reply is built by `replyExpression` (Python, with `r` the
    /// parsed request); `before` runs for every request first.
    static func pythonChild(reply replyExpression: String, before: String = "pass") -> [String] {
        let script = """
        import json, sys, time
        for line in sys.stdin:
            r = json.loads(line)
            \(before)
            sys.stdout.write(json.dumps(\(replyExpression)) + "\\n")
            sys.stdout.flush()
        """
        return ["python3", "-c", script]
    }

    static func configuration(
        _ command: [String], deadline: Double = 5, breakerFailures: Int = 20, breakerOpenDuration: Double = 30,
        restartBackoff: Double = 0.1
    ) -> ProcessDetectorConfiguration {
        ProcessDetectorConfiguration(
            name: "test", command: command, deadline: deadline, restartBackoff: restartBackoff,
            breakerFailures: breakerFailures, breakerOpenDuration: breakerOpenDuration)
    }

    static func requests(_ texts: [String]) -> [ProcessRequest] {
        texts.enumerated().map { ProcessRequest(id: "e\($0.offset)", accountID: "acct-1", text: $0.element) }
    }

    /// Polls `condition` every 10 ms for up to `seconds`.
    static func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }
}
