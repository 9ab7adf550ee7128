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

        XCTAssertGreaterThanOrEqual(recall, 0.85)
        XCTAssertLessThanOrEqual(falsePositiveRate, 0.02)
    }

    /// Informational: average scan cost per development event (no assertion:
    /// timing belongs in the benchmark command; debug builds are much slower).
    func test_devSet_reportsScanCostPerEvent() throws {
        let engine = try RuleEngine(definitions: DetectorCatalog.load(directory: ScanSupport.shippedDetectorsDirectory).definitions)
        let scanner = try RuleScanner(engine: engine)
        let events = try Self.loadDevEvents()
        // Copy every field into long-lived buffers once, so only scanning is timed.
        let storage = events.map { event in
            ([event.text] + event.toolCalls.flatMap { [$0.name, $0.arguments] }).map { Array($0.utf8) }
        }
        var hits: [RuleHit] = []
        hits.reserveCapacity(64)
        let rounds = 20
        var fired = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds {
            for (index, fields) in storage.enumerated() {
                scanFields(scanner, fields, role: events[index].role, into: &hits)
                fired += hits.count
                hits.removeAll(keepingCapacity: true)
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
        let perEvent = elapsed / Double(rounds * events.count)
        print("scan cost: \(String(format: "%.2f", perEvent / 1000)) µs per event over \(rounds * events.count) events, "
              + "\(engine.patternCount) patterns (\(fired) hits; debug builds are several times slower)")
    }

    private func scanFields(_ scanner: RuleScanner, _ fields: [[UInt8]], role: Role, into hits: inout [RuleHit]) {
        func withViews(_ index: Int, _ views: [Bytes], _ body: ([Bytes]) -> Void) {
            if index == fields.count { return body(views) }
            fields[index].withUnsafeBufferPointer { withViews(index + 1, views + [$0], body) }
        }
        withViews(0, []) { views in
            let calls = stride(from: 1, to: views.count, by: 2).map { ToolCallView(name: views[$0], arguments: views[$0 + 1]) }
            scanner.scan(text: views[0], role: role, toolCalls: calls, into: &hits)
        }
    }
}
