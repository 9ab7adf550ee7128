import Dispatch
import Foundation
import XCTest
import GuardlineProtocol
@testable import GuardlineDetectors

/// Measures what Vectorscan scanning of the shipped detectors costs on
/// benchmark-like events, and where that cost comes from. The numbers are
/// printed, never asserted (timing belongs in `guardline bench`); run them in
/// a release build:
///
///     swift build -c release --scratch-path .build-scan --build-tests -Xswiftc -enable-testing
///     swift test -c release --scratch-path .build-scan --skip-build --filter ScanCostTests
///
/// The per-pattern table compiles one database per pattern and takes a few
/// seconds; set GUARDLINE_SCAN_PROFILE=1 to print it.
final class ScanCostTests: XCTestCase {
    private static let events = BenchLikeEvents(count: 2048)

    private func shippedEngine() throws -> (RuleEngine, [DetectorDefinition]) {
        let definitions = try DetectorCatalog.load(directory: ScanSupport.shippedDetectorsDirectory).ruleDefinitions
        return (try RuleEngine(definitions: definitions), definitions)
    }

    /// The `hs_scan` calls one event of `role` with `toolCalls` tool calls costs.
    private func scanCalls(_ engine: RuleEngine, role: Role, toolCalls: Int) -> Int {
        let databases = engine.databases
        let present = { (field: DetectorField) in databases[field.index][Int(role.rawValue)] == nil ? 0 : 1 }
        return present(.text) + toolCalls * (present(.toolCallName) + present(.toolCallArguments))
    }

    func test_benchEvents_benignNeverFireAndAttacksDo() throws {
        let (engine, _) = try shippedEngine()
        let scanner = try RuleScanner(engine: engine)
        let events = Self.events
        var falsePositives = 0
        var missed = 0
        for index in events.texts.indices {
            var hits: [RuleHit] = []
            scanner.scan(text: events.texts[index], role: .user, toolCalls: events.calls[index], into: &hits)
            let isUserAttack = events.isAttack[index] && !events.texts[index].string.contains("curl -s")
            if !events.isAttack[index] && !hits.isEmpty { falsePositives += 1 }
            if isUserAttack && hits.isEmpty { missed += 1 }
        }
        XCTAssertEqual(falsePositives, 0, "benign benchmark events must not fire")
        XCTAssertEqual(missed, 0, "user-side benchmark attacks must fire")
    }

    func test_benchEvents_reportsScanCostPerEvent() throws {
        let (engine, _) = try shippedEngine()
        let scanner = try RuleScanner(engine: engine)
        let events = Self.events
        let perRole = Role.allCases.map { role in
            "\(role.name) \(format(events.scannerNanoseconds(scanner, role: role))) (\(scanCalls(engine, role: role, toolCalls: 1)) hs_scan)"
        }
        print("scan cost per bench-like event (\(engine.patternCount) patterns, mean text \(events.meanTextBytes) bytes, "
              + "1 tool call, \(buildKind) build): " + perRole.joined(separator: ", "))

        let user = Int(Role.user.rawValue)
        for field in DetectorField.allCases {
            guard let database = engine.databases[field.index][user] else {
                print("  user \(field.rawValue): no database, not scanned")
                continue
            }
            let buffers: [Bytes] = switch field {
            case .text: events.texts
            case .toolCallName: events.calls.map { $0[0].name }
            case .toolCallArguments: events.calls.map { $0[0].arguments }
            }
            let cost = try BenchLikeEvents.databaseNanoseconds(database, patternCount: engine.patternCount, buffers: buffers)
            print("  user \(field.rawValue) database alone: \(format(cost)) per scan")
        }
    }

    /// The shipped learned model per bench-like event: alone (weights stay
    /// in L1) and after each event's rule scan, as in the daemon's worker,
    /// where the scan evicts much of the weight table between events.
    func test_learnedModel_reportsCostPerEvent() throws {
        let model = try LinearModelFile.load(path: ScanSupport.shippedDetectorsDirectory + "/learned-attack.glm")
        let (engine, _) = try shippedEngine()
        let scanner = try RuleScanner(engine: engine)
        let events = Self.events
        var total = 0.0
        let alone = BenchLikeEvents.bestNanoseconds(count: events.texts.count, rounds: 4) {
            for index in events.texts.indices { total += model.score(text: events.texts[index], toolCalls: events.calls[index]) }
        }
        var hits: [RuleHit] = []
        let scanOnly = events.scannerNanoseconds(scanner)
        let both = BenchLikeEvents.bestNanoseconds(count: events.texts.count, rounds: 4) {
            for index in events.texts.indices {
                scanner.scan(text: events.texts[index], role: .user, toolCalls: events.calls[index], into: &hits)
                hits.removeAll(keepingCapacity: true)
                total += model.score(text: events.texts[index], toolCalls: events.calls[index])
            }
        }
        XCTAssertGreaterThan(total, 0)
        print("learned-attack (\(model.settings.bucketCount) buckets, \(buildKind) build): \(format(alone)) per event alone, "
              + "\(format(both - scanOnly)) after each event's rule scan")
    }

    func test_scanCall_reportsFixedOverhead() throws {
        let (engine, _) = try shippedEngine()
        let oneLiteral = try VectorscanDatabase.compile([.init(expression: "zqxjkv", flags: RuleEngine.flags(caseSensitive: false, utf8: false), id: 0)]).get()
        let one = BenchLikeEvents(count: 1)
        defer { _ = one }
        let arguments = one.calls[0][0].arguments
        var byte: UInt8 = 0x61
        try withUnsafeMutablePointer(to: &byte) { pointer in
            let single = Bytes(start: pointer, count: 1)
            let repeats = 20_000
            let tiny = try BenchLikeEvents.databaseNanoseconds(oneLiteral, patternCount: 1, buffers: Array(repeating: single, count: repeats))
            let tinyArguments = try BenchLikeEvents.databaseNanoseconds(oneLiteral, patternCount: 1, buffers: Array(repeating: arguments, count: repeats))
            var line = "fixed cost of one hs_scan call: 1-literal database on 1 byte \(format(tiny)), on the \(arguments.count)-byte arguments \(format(tinyArguments))"
            if let text = engine.databases[DetectorField.text.index][Int(Role.user.rawValue)] {
                let cost = try BenchLikeEvents.databaseNanoseconds(text, patternCount: engine.patternCount, buffers: Array(repeating: single, count: repeats))
                line += "; user text database on 1 byte \(format(cost))"
            }
            if let argumentsDatabase = engine.databases[DetectorField.toolCallArguments.index][Int(Role.user.rawValue)] {
                let cost = try BenchLikeEvents.databaseNanoseconds(argumentsDatabase, patternCount: engine.patternCount, buffers: Array(repeating: single, count: repeats))
                line += "; user arguments database on 1 byte \(format(cost))"
            }
            print(line)
        }
    }

    /// Per detector and per pattern: the cost of scanning the bench texts with
    /// that detector's (pattern's) text patterns alone, and its marginal cost in
    /// the user text database (full database minus the database without it).
    /// Vectorscan shares literal matching between patterns, so marginal costs
    /// do not add up to the total; both columns are needed to find the culprits.
    func test_shippedPatterns_reportCostAloneAndMarginal() throws {
        let (_, definitions) = try shippedEngine()
        let texts = Array(Self.events.texts.prefix(1024))
        var all: [(detector: String, pattern: RulePattern, user: Bool, expression: VectorscanDatabase.Expression)] = []
        for definition in definitions {
            guard case .rules(let spec) = definition.kind else { continue }
            for pattern in spec.patterns where pattern.fields.contains(.text) {
                let expression = VectorscanDatabase.Expression(
                    expression: pattern.expression,
                    flags: RuleEngine.flags(caseSensitive: pattern.caseSensitive, utf8: pattern.utf8), id: UInt32(all.count))
                all.append((definition.name, pattern, spec.accepts(.user), expression))
            }
        }
        let userExpressions = all.filter(\.user).map(\.expression)
        func cost(_ expressions: [VectorscanDatabase.Expression]) throws -> Double {
            guard !expressions.isEmpty else { return 0 }
            return try BenchLikeEvents.databaseNanoseconds(VectorscanDatabase.compile(expressions).get(), patternCount: all.count, buffers: texts, rounds: 2)
        }
        let full = try cost(userExpressions)
        let floor = try cost([.init(expression: "zqxjkv", flags: 0, id: 0)])
        print("user text database: \(userExpressions.count) patterns, \(format(full)) per \(Self.events.meanTextBytes)-byte text; "
              + "a 1-literal database costs \(format(floor))")

        print("  per detector (text patterns): alone / marginal in the user text database")
        for detector in Array(Set(all.map(\.detector))).sorted() {
            let mine = all.filter { $0.detector == detector }
            let alone = try cost(mine.map(\.expression))
            let marginal = mine[0].user ? full - (try cost(userExpressions.filter { expression in !mine.contains { $0.expression.id == expression.id } })) : .nan
            print("    \(detector.padding(toLength: 26, withPad: " ", startingAt: 0)) \(format(alone)) / \(mine[0].user ? format(marginal) : "not in user database")")
        }

        guard ProcessInfo.processInfo.environment["GUARDLINE_SCAN_PROFILE"] == "1" else {
            print("  (set GUARDLINE_SCAN_PROFILE=1 for the per-pattern table)")
            return
        }
        // Per pattern, alone: leave-one-out marginals are too noisy on a shared
        // machine (±1 µs between compiles of nearly the same database).
        let arguments = Array(Self.events.calls.prefix(1024).map { $0[0].arguments })
        var rows: [(text: Double, arguments: Double, name: String)] = []
        for definition in definitions {
            guard case .rules(let spec) = definition.kind else { continue }
            for pattern in spec.patterns {
                let database = try VectorscanDatabase.compile([.init(
                    expression: pattern.expression,
                    flags: RuleEngine.flags(caseSensitive: pattern.caseSensitive, utf8: pattern.utf8), id: 0)]).get()
                let text = pattern.fields.contains(.text)
                    ? try BenchLikeEvents.databaseNanoseconds(database, patternCount: 1, buffers: texts, rounds: 4) - floor : .nan
                let argumentCost = pattern.fields.contains(.toolCallArguments)
                    ? try BenchLikeEvents.databaseNanoseconds(database, patternCount: 1, buffers: arguments, rounds: 4) : .nan
                rows.append((text, argumentCost, "\(definition.name)/\(pattern.id)\(spec.accepts(.user) ? "" : " (not user)")"))
            }
        }
        print("  per pattern alone, costliest first: text cost above the 1-literal floor / cost per arguments scan")
        for row in rows.sorted(by: { ($0.text.isNaN ? 0 : $0.text) > ($1.text.isNaN ? 0 : $1.text) }) {
            print("    \(format(row.text)) / \(format(row.arguments))  \(row.name)")
        }
    }

    private func format(_ nanoseconds: Double) -> String {
        nanoseconds.isNaN ? "-" : String(format: "%.0f ns", nanoseconds)
    }

    #if DEBUG
    private let buildKind = "debug"
    #else
    private let buildKind = "release"
    #endif
}
