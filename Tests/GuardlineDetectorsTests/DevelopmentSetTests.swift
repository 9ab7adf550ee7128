import Foundation
import XCTest
import GuardlineDetectors
import GuardlineProtocol

/// Runs the labelled development set (Fixtures/dev-events.ndjson) through the
/// shipped detectors. The set was written alongside the patterns, so these
/// numbers are an optimistic floor check, not an evaluation.
final class DevelopmentSetTests: XCTestCase {
    struct DevEvent {
        let id: String
        let role: Role
        let text: String
        let toolCalls: [(name: String, arguments: String)]
        let isAttack: Bool
        let category: String
    }

    static func loadDevEvents() throws -> [DevEvent] {
        let path = ScanSupport.packageRoot() + "/Tests/GuardlineDetectorsTests/Fixtures/dev-events.ndjson"
        let content = try String(contentsOfFile: path, encoding: .utf8)
        return try content.split(separator: "\n").map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let calls = (object["tool_calls"] as? [[String: Any]] ?? []).map { call -> (String, String) in
                let arguments: String
                if let string = call["arguments"] as? String {
                    arguments = string
                } else {
                    // The parser hands over an object's raw JSON text.
                    let data = (try? JSONSerialization.data(withJSONObject: call["arguments"] ?? [:])) ?? Data()
                    arguments = String(decoding: data, as: UTF8.self)
                }
                return (call["name"] as? String ?? "", arguments)
            }
            return DevEvent(
                id: object["id"] as? String ?? "?",
                role: Role(name: object["role"] as? String ?? "user") ?? .user,
                text: object["text"] as? String ?? "",
                toolCalls: calls,
                isAttack: (object["label"] as? String) == "attack",
                category: object["category"] as? String ?? "?")
        }
    }

    func test_devSet_attackRecallAndBenignFalsePositiveRate() throws {
        let engine = try RuleEngine(definitions: DetectorCatalog.load(directory: ScanSupport.shippedDetectorsDirectory).definitions)
        let scanner = try RuleScanner(engine: engine)
        let events = try Self.loadDevEvents()
        XCTAssertGreaterThanOrEqual(events.filter(\.isAttack).count, 150)
        XCTAssertGreaterThanOrEqual(events.filter { !$0.isAttack }.count, 250)

        var flaggedByCategory: [String: (flagged: Int, total: Int, isAttack: Bool)] = [:]
        var report: [String] = []
        for event in events {
            let hits = ScanSupport.scan(scanner, text: event.text, role: event.role, toolCalls: event.toolCalls)
            let flagged = !hits.isEmpty
            var entry = flaggedByCategory[event.category] ?? (0, 0, event.isAttack)
            entry.total += 1
            if flagged { entry.flagged += 1 }
            flaggedByCategory[event.category] = entry
            if flagged != event.isAttack {
                let detail = hits.map { "\(engine.rules[$0.detectorIndex].name) \($0.labels) «\($0.evidence)»" }
                let shown = event.text.isEmpty ? event.toolCalls.map(\.arguments).joined(separator: " ") : event.text
                report.append("\(event.isAttack ? "MISS" : "FALSE POSITIVE") \(event.id) [\(event.category)] \(shown.prefix(140)) \(detail)")
            }
        }

        let attacks = flaggedByCategory.values.filter(\.isAttack)
        let benign = flaggedByCategory.values.filter { !$0.isAttack }
        let recall = Double(attacks.map(\.flagged).reduce(0, +)) / Double(attacks.map(\.total).reduce(0, +))
        let falsePositiveRate = Double(benign.map(\.flagged).reduce(0, +)) / Double(benign.map(\.total).reduce(0, +))
        print("development set: \(events.count) events")
        for (category, entry) in flaggedByCategory.sorted(by: { ($0.value.isAttack ? 0 : 1, $0.key) < ($1.value.isAttack ? 0 : 1, $1.key) }) {
            let rate = Double(entry.flagged) / Double(entry.total)
            let metric = entry.isAttack ? "recall" : "false-positive rate"
            print("  \(entry.isAttack ? "attack" : "benign") \(category): \(metric) \(String(format: "%.3f", rate)) (\(entry.flagged)/\(entry.total))")
        }
        print("  overall attack recall \(String(format: "%.3f", recall)), benign false-positive rate \(String(format: "%.3f", falsePositiveRate))")
        report.forEach { print("  " + $0) }

        XCTAssertGreaterThanOrEqual(recall, 0.95)
        XCTAssertLessThanOrEqual(falsePositiveRate, 0.02)
    }

    /// Informational: average scan cost per development event, for benign
    /// events (nothing fires: the common case) and for all events. No
    /// assertion: timing belongs in the benchmark command, and debug builds
    /// are several times slower than release.
    func test_devSet_reportsScanCostPerEvent() throws {
        let engine = try RuleEngine(definitions: DetectorCatalog.load(directory: ScanSupport.shippedDetectorsDirectory).definitions)
        let scanner = try RuleScanner(engine: engine)
        let events = try Self.loadDevEvents()
        let prepared = PreparedEvents(events)
        defer { prepared.deallocate() }
        let benign = events.indices.filter { !events[$0].isAttack }
        let benignCost = prepared.nanosecondsPerEvent(scanner, indices: benign, rounds: 8)
        let allCost = prepared.nanosecondsPerEvent(scanner, indices: Array(events.indices), rounds: 8)
        let meanTextBytes = events.map(\.text.utf8.count).reduce(0, +) / events.count
        print("scan cost (\(engine.patternCount) patterns, mean text \(meanTextBytes) bytes): "
              + "benign \(String(format: "%.2f", benignCost / 1000)) µs/event, "
              + "all \(String(format: "%.2f", allCost / 1000)) µs/event (\(Self.buildKind) build)")
    }

    #if DEBUG
    static let buildKind = "debug"
    #else
    static let buildKind = "release"
    #endif
}

/// Development events copied once into long-lived buffers, so that timing
/// measures scanning only.
private struct PreparedEvents {
    let buffers: [UnsafeMutableBufferPointer<UInt8>]
    let texts: [Bytes]
    let calls: [[ToolCallView]]
    let roles: [Role]

    init(_ events: [DevelopmentSetTests.DevEvent]) {
        var buffers: [UnsafeMutableBufferPointer<UInt8>] = []
        func copy(_ string: String) -> Bytes {
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(string.utf8.count, 1))
            _ = buffer.initialize(from: string.utf8)
            buffers.append(buffer)
            return Bytes(start: buffer.baseAddress, count: string.utf8.count)
        }
        texts = events.map { copy($0.text) }
        calls = events.map { $0.toolCalls.map { ToolCallView(name: copy($0.name), arguments: copy($0.arguments)) } }
        roles = events.map(\.role)
        self.buffers = buffers
    }

    func deallocate() { buffers.forEach { $0.deallocate() } }

    func nanosecondsPerEvent(_ scanner: RuleScanner, indices: [Int], rounds: Int) -> Double {
        var hits: [RuleHit] = []
        hits.reserveCapacity(64)
        // Best of five: the machine is shared, and interference only adds time.
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds {
                for index in indices {
                    scanner.scan(text: texts[index], role: roles[index], toolCalls: calls[index], into: &hits)
                    hits.removeAll(keepingCapacity: true)
                }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(rounds * indices.count))
        }
        return best
    }
}
