import Foundation
import Yams

extension DetectorFileParser {
    static let processKeys = ["command", "deadline", "threshold", "max_in_flight", "restart_backoff", "breaker", "labels"]
    static let breakerKeys = ["failures", "window", "open_for"]

    /// `kind: process`: a child program scored over pipes (see `ProcessDetector`).
    mutating func parseProcess(_ entries: [String: (key: Node, value: Node)], root: Node) -> ProcessSpec? {
        let directory = Self.directory(of: reader.path)
        var command: [String]?
        if let commandNode = requiredValue(entries, "command", root: root), let words = reader.strings(commandNode, "command") {
            if words.isEmpty {
                reader.report("command must name a program, e.g. [python3, ../plugins/example_classifier.py]", at: commandNode)
            } else {
                var resolved = words.map(\.value)
                // A program written as a path is relative to the detector file, like a native plugin's path.
                if resolved[0].contains("/") && !resolved[0].hasPrefix("/") { resolved[0] = directory + "/" + resolved[0] }
                command = resolved
            }
        }
        let deadline = entries["deadline"].map { reader.duration($0.value, "deadline") } ?? 0.05
        let threshold = entries["threshold"].map { reader.number($0.value, "threshold", in: 0...1, excludingLower: true) } ?? 0.5
        let maxInFlight = entries["max_in_flight"].map { reader.integer($0.value, "max_in_flight", atLeast: 1) } ?? 1024
        let backoff = entries["restart_backoff"].map { reader.duration($0.value, "restart_backoff") } ?? 0.1
        var failures: Int? = 20
        var window: Double? = 10
        var openFor: Double? = 30
        if let breakerNode = entries["breaker"]?.value {
            if let breaker = reader.entries(of: breakerNode, allowed: Self.breakerKeys, context: "breaker") {
                if let node = breaker["failures"] { failures = reader.integer(node.value, "breaker.failures", atLeast: 1) }
                if let node = breaker["window"] { window = reader.duration(node.value, "breaker.window") }
                if let node = breaker["open_for"] { openFor = reader.duration(node.value, "breaker.open_for") }
            } else {
                failures = nil
            }
        }
        let labels = labelList(entries["labels"]?.value)
        guard let command, let deadline, let threshold, let maxInFlight, let backoff, let failures, let window, let openFor,
              let labels else { return nil }
        return ProcessSpec(command: command, workingDirectory: directory, deadline: deadline, threshold: threshold,
                           maxInFlight: maxInFlight, restartBackoff: backoff, breakerFailures: failures,
                           breakerWindow: window, breakerOpenDuration: openFor, labels: labels)
    }

    /// The absolute directory of `path`: the child changes into it before
    /// exec, so a relative one would be resolved twice.
    static func directory(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).deletingLastPathComponent().standardizedFileURL.path
    }
}
