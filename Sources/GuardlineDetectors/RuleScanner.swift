import GuardlineProtocol

/// Scans events against a `RuleEngine`'s databases: one per worker thread.
///
/// Not Sendable: it owns a Vectorscan scratch and reused per-event tables,
/// which one thread at a time may use. Scanning an event that fires nothing
/// allocates nothing; only the `RuleHit`s of detectors that fire allocate.
public final class RuleScanner {
    public let engine: RuleEngine
    /// Nil when the engine has no patterns at all.
    private let scratch: VectorscanScratch?
    private let recorder: VectorscanMatchRecorder
    /// Per detector, reused across events: whether a pattern of it matched in
    /// the current event, and its running score accumulator (max, sum, or
    /// for noisy-or the product of `1 - w`).
    private var touched: [Bool]
    private var accumulator: [Double]
    /// Per role (`Role.rawValue`): the databases and byte-run patterns of each
    /// field, as plain values. The engine's nested arrays of class references
    /// cost a retain and release per field per event when read directly;
    /// these raw handles stay valid because the scanner holds `engine` and
    /// `scratch` for its whole life.
    private let plans: UnsafeMutableBufferPointer<FieldPlan>
    /// Every role's byte-run patterns, which `FieldPlan` ranges index.
    private let runs: UnsafeMutableBufferPointer<RunPatternEntry>

    public init(engine: RuleEngine) throws(DetectorError) {
        self.engine = engine
        let databases = engine.distinctDatabases
        // Allocated outside any assert: -Ounchecked would drop the call.
        scratch = databases.isEmpty ? nil : try VectorscanScratch.allocate(for: databases)
        recorder = VectorscanMatchRecorder(patternCount: engine.patternCount)
        touched = Array(repeating: false, count: engine.rules.count)
        accumulator = Array(repeating: 0, count: engine.rules.count)
        var flatRuns: [RunPatternEntry] = []
        var plans: [FieldPlan] = []
        for role in Role.allCases {
            let fields = DetectorField.allCases.map { field in
                let roleRuns = engine.runPatterns[field.index][Int(role.rawValue)]
                let start = flatRuns.count
                flatRuns += roleRuns
                return (database: engine.databases[field.index][Int(role.rawValue)]?.handle, runs: start..<flatRuns.count)
            }
            plans.append(FieldPlan(
                text: fields[DetectorField.text.index].database, textRuns: fields[DetectorField.text.index].runs,
                name: fields[DetectorField.toolCallName.index].database, nameRuns: fields[DetectorField.toolCallName.index].runs,
                arguments: fields[DetectorField.toolCallArguments.index].database,
                argumentRuns: fields[DetectorField.toolCallArguments.index].runs))
        }
        self.plans = .allocate(capacity: plans.count)
        _ = self.plans.initialize(from: plans)
        runs = .allocate(capacity: max(flatRuns.count, 1))
        _ = runs.initialize(from: flatRuns)
    }

    deinit {
        plans.deallocate()
        runs.deallocate()
    }

    /// Scans a parsed event; see `scan(text:role:toolCalls:into:)`.
    public func scan(_ event: EventView, into hits: inout [RuleHit]) {
        scan(text: event.text, role: event.role, toolCalls: EventToolCalls(event: event), into: &hits)
    }

    /// Scans the fields of one event and appends a `RuleHit` for every detector
    /// that reads `role` and whose score reaches its threshold, in detector
    /// order. `hits` is appended to, never cleared: the caller owns it.
    ///
    /// `toolCalls` is a collection because evidence is cut after all fields
    /// are scanned, from whichever field matched first.
    public func scan<ToolCalls: Collection<ToolCallView>>(
        text bytes: Bytes, role: Role, toolCalls: ToolCalls, into hits: inout [RuleHit]
    ) {
        // The databases of a role hold only the patterns of detectors that read
        // that role, so the role filter costs nothing here.
        let plan = plans[Int(role.rawValue)]
        let scratch = scratch?.handle
        let state = recorder.state
        scanField(bytes, database: plan.text, runs: plan.textRuns, slot: 0, scratch: scratch, state: state)
        if plan.name != nil || plan.arguments != nil || !plan.nameRuns.isEmpty || !plan.argumentRuns.isEmpty {
            var slot: Int32 = 1
            for call in toolCalls {
                scanField(call.name, database: plan.name, runs: plan.nameRuns, slot: slot, scratch: scratch, state: state)
                scanField(call.arguments, database: plan.arguments, runs: plan.argumentRuns, slot: slot + 1,
                          scratch: scratch, state: state)
                slot += 2
            }
        }
        guard recorder.hitCount > 0 else { return }
        collectHits(text: bytes, toolCalls: toolCalls, into: &hits)
        recorder.reset()
    }

    /// One field: its Vectorscan database, then its byte-run patterns.
    @inline(__always)
    private func scanField(_ field: Bytes, database: OpaquePointer?, runs range: Range<Int>, slot: Int32,
                           scratch: OpaquePointer?, state: UnsafeMutablePointer<MatchState>) {
        if let database, let scratch {
            VectorscanDatabase.scan(database, field, slot: slot, scratch: scratch, state: state)
        }
        for index in range {
            if let end = runs[index].pattern.firstMatchEnd(in: field) {
                recorder.record(pattern: runs[index].id, slot: slot, end: end)
            }
        }
    }

    /// Combines the recorded pattern matches into detector scores and appends
    /// the detectors that fire.
    private func collectHits<ToolCalls: Collection<ToolCallView>>(
        text: Bytes, toolCalls: ToolCalls, into hits: inout [RuleHit]
    ) {
        let rules = engine.rules
        for hitIndex in 0..<recorder.hitCount {
            let pattern = recorder.hitPattern(hitIndex)
            let detector = engine.patternDetector[pattern]
            let weight = engine.patternWeight[pattern]
            let method = rules[detector].scoring
            if !touched[detector] {
                touched[detector] = true
                accumulator[detector] = method == .noisyOr ? 1 : 0
            }
            switch method {
            case .max: accumulator[detector] = max(accumulator[detector], weight)
            case .sum: accumulator[detector] += weight
            case .noisyOr: accumulator[detector] *= 1 - weight
            }
        }
        for detector in 0..<rules.count where touched[detector] {
            touched[detector] = false
            let score = switch rules[detector].scoring {
            case .max: accumulator[detector]
            case .sum: min(1, accumulator[detector])
            case .noisyOr: 1 - accumulator[detector]
            }
            guard score >= rules[detector].threshold else { continue }
            hits.append(makeHit(detector: detector, score: score, text: text, toolCalls: toolCalls))
        }
    }

    /// Builds the hit of a detector that fired: labels in pattern order, and
    /// evidence around its earliest match (first field, then lowest offset).
    private func makeHit<ToolCalls: Collection<ToolCallView>>(
        detector: Int, score: Double, text: Bytes, toolCalls: ToolCalls
    ) -> RuleHit {
        var labels: [String] = []
        var first: (slot: Int, end: Int)?
        for pattern in engine.detectorPatterns[detector] {
            guard let match = recorder.firstMatch(of: pattern) else { continue }
            for label in engine.patternLabels[pattern] where !labels.contains(label) {
                labels.append(label)
            }
            if let current = first, (current.slot, current.end) <= (match.slot, match.end) { continue }
            first = match
        }
        var evidence = ""
        if let first {
            let field: Bytes
            if first.slot == 0 {
                field = text
            } else {
                let call = toolCalls[toolCalls.index(toolCalls.startIndex, offsetBy: (first.slot - 1) / 2)]
                field = (first.slot - 1) % 2 == 0 ? call.name : call.arguments
            }
            evidence = Self.evidence(in: field, aroundEnd: first.end)
        }
        return RuleHit(detectorIndex: detector, score: score, labels: labels, evidence: evidence)
    }
}

/// One role's scan work per field: raw database handles (nil when no pattern
/// of the role reads the field) and ranges into the scanner's byte-run table.
struct FieldPlan {
    var text: OpaquePointer?
    var textRuns: Range<Int>
    var name: OpaquePointer?
    var nameRuns: Range<Int>
    var arguments: OpaquePointer?
    var argumentRuns: Range<Int>
}

/// The tool calls of an `EventView` as a collection, without copying them.
struct EventToolCalls: RandomAccessCollection {
    let event: EventView
    var startIndex: Int { 0 }
    var endIndex: Int { event.toolCallCount }
    subscript(position: Int) -> ToolCallView { event.toolCall(position) }
}
