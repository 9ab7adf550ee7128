import Foundation
import GuardlineTransport
import XCTest

/// Twenty reloads while a client streams: no error replies, no lost or
/// duplicated verdicts, no long pause, and new detectors take effect. The
/// reloads add, change and remove detectors of every kind (rules, native
/// plugin, out-of-process child, learned model), and every third kind of
/// change is broken (a regex that does not compile, a missing plugin, a
/// corrupt model), which must leave the running generation serving.
final class ZeroLossReloadTests: XCTestCase {
    private final class Stream: @unchecked Sendable {
        let lock = NSLock()
        var ids: [String] = []
        var errors = 0
        var arrivals: [Double] = []
        var sawNewDetector = false
    }

    private func write(_ name: String, _ body: String, in directory: URL) throws {
        try body.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func rule(_ name: String, literal: String, version: String) -> String {
        "name: \(name)\nversion: \(version)\ndescription: reload test\nseverity: low\npatterns:\n  - literal: \(literal)\n    labels: [x]\n"
    }

    private var keywordPluginPath: String { TestPaths.builtProduct("libExampleKeywordPlugin.so") }

    private func native(path: String) -> String {
        "name: keyword\nversion: 1.0.0\ndescription: reload test\nkind: native\nseverity: low\npath: \(path)\n"
            + "threshold: 0.5\nconfig:\n  phrases: [exfiltrate the database]\n  label: data_theft\n  score: 0.9\n"
    }

    private func process(script: String) -> String {
        "name: classifier\nversion: 1.0.0\ndescription: reload test\nkind: process\nseverity: low\n"
            + "command: [python3, \(script)]\ndeadline: 50ms\n"
    }

    private func learned(model: String) -> String {
        "name: learned\nversion: 1.0.0\ndescription: reload test\nkind: learned\nseverity: low\nmodel: \(model)\nthreshold: 0.8\n"
    }

    func test_twentyReloadsWhileStreaming_loseNothing() throws {
        let fm = FileManager.default
        let detectors = fm.temporaryDirectory.appendingPathComponent("guardline-zero-loss-\(UUID().uuidString)")
        try fm.createDirectory(at: detectors, withIntermediateDirectories: true)
        try write("base.yaml", rule("base", literal: "base-phrase", version: "1"), in: detectors)
        let daemon = try TestDaemon(detectors: detectors.path, extraConfig: "watch: false\n")
        try daemon.start()

        let socket = try ClientSocket(connectingTo: daemon.address)
        socket.setReceiveTimeout(seconds: 20)
        let stream = Stream()
        let done = DispatchSemaphore(value: 0)
        /// Shared with the writer thread, under its lock.
        final class WriterState: @unchecked Sendable {
            let lock = NSLock()
            var writing = true
            var sent = 0
        }
        let writerState = WriterState()
        // Reader: records every verdict and when it arrived.
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var partial: [UInt8] = []
            while true {
                let n = (try? buffer.withUnsafeMutableBytes { try socket.read(into: $0) }) ?? 0
                if n <= 0 { break }
                partial.append(contentsOf: buffer[0..<n])
                let now = Date().timeIntervalSince1970
                while let newline = partial.firstIndex(of: 0x0A) {
                    let object = (try? JSONSerialization.jsonObject(with: Data(partial[..<newline]))) as? [String: Any] ?? [:]
                    partial.removeSubrange(...newline)
                    stream.lock.lock()
                    if object["ok"] as? Bool != true { stream.errors += 1 }
                    stream.ids.append(object["id"] as? String ?? "?")
                    stream.arrivals.append(now)
                    if ((object["signals"] as? [[String: Any]]) ?? []).contains(where: { $0["detector"] as? String == "added-late" }) {
                        stream.sawNewDetector = true
                    }
                    stream.lock.unlock()
                }
            }
            done.signal()
        }
        // Writer: a steady stream of batches.
        let writer = Thread {
            var sequence = 0
            while true {
                writerState.lock.lock(); let go = writerState.writing; writerState.lock.unlock()
                if !go { break }
                var batch = ""
                for _ in 0..<50 {
                    let text = sequence % 10 == 0 ? "base-phrase late-phrase" : "hello"
                    batch += eventLine(id: "z\(sequence)", account: "acct-\(sequence % 97)", text: text) + "\n"
                    sequence += 1
                }
                try? socket.writeAll(batch)
                usleep(2_000)
            }
            writerState.lock.lock(); writerState.sent = sequence; writerState.lock.unlock()
            socket.shutdownWrite()
        }
        writer.start()

        // Twenty reloads, two passes over: add, change and remove detectors of
        // every kind, with a broken change of each kind in between.
        let root = TestPaths.packageRoot
        let classifier = root.appendingPathComponent("config/plugins/example_classifier.py").path
        let model = root.appendingPathComponent("config/detectors/learned-attack.glm").path
        try "GLLINEAR-but-not-really".write(to: detectors.appendingPathComponent("corrupt.glm"), atomically: true, encoding: .utf8)
        let broken: Set<Int> = [2, 5, 8]
        usleep(200_000)
        for round in 0..<20 {
            switch round % 10 {
            case 0: try write("extra.yaml", rule("extra", literal: "hello", version: "\(round)"), in: detectors)
            case 1: try write("extra.yaml", rule("extra", literal: "nothing-matches", version: "\(round)"), in: detectors)
            case 2: try write("broken.yaml", "name: broken\nversion: 1\ndescription: x\nseverity: low\npatterns:\n  - regex: '(bad'\n", in: detectors)
            case 3: try fm.removeItem(at: detectors.appendingPathComponent("broken.yaml"))
                    try write("late.yaml", rule("added-late", literal: "late-phrase", version: "\(round)"), in: detectors)
            case 4: try write("keyword.yaml", native(path: keywordPluginPath), in: detectors)
            case 5: try write("keyword.yaml", native(path: "/nonexistent/libmissing.so"), in: detectors)
            case 6: try write("keyword.yaml", native(path: keywordPluginPath), in: detectors)
                    try write("classifier.yaml", process(script: classifier), in: detectors)
            case 7: try write("learned.yaml", learned(model: model), in: detectors)
            case 8: try write("learned.yaml", learned(model: "corrupt.glm"), in: detectors)
            default:
                for name in ["extra.yaml", "keyword.yaml", "classifier.yaml", "learned.yaml"] {
                    try? fm.removeItem(at: detectors.appendingPathComponent(name))
                }
            }
            let (status, _, errors) = try TestDaemon.cli(["reload", "--db", daemon.databasePath])
            XCTAssertEqual(status, broken.contains(round % 10) ? 1 : 0, "round \(round): \(errors)")
            usleep(50_000)
        }
        usleep(300_000)
        writerState.lock.lock(); writerState.writing = false; writerState.lock.unlock()
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        writerState.lock.lock(); let total = writerState.sent; writerState.lock.unlock()

        stream.lock.lock(); defer { stream.lock.unlock() }
        XCTAssertEqual(stream.errors, 0, "no error responses")
        XCTAssertEqual(stream.ids.count, total, "one verdict per event")
        XCTAssertEqual(stream.ids, (0..<total).map { "z\($0)" }, "in order, none lost or duplicated")
        XCTAssertTrue(stream.sawNewDetector, "a detector added by a reload fires")
        let gaps = zip(stream.arrivals.dropFirst(), stream.arrivals).map { $0 - $1 }
        let longest = gaps.max() ?? 0
        print("zero-loss reload: \(total) events, 20 reloads, longest gap between verdicts \(Int(longest * 1000)) ms")
        XCTAssertLessThan(longest, 0.5, "no long stall during reloads (generous bound for debug builds on shared CI)")
        XCTAssertEqual(daemon.stop(), 0)
    }
}
