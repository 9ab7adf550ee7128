import Dispatch
import GuardlineDetectors
import GuardlineEngine
import GuardlineProtocol
import GuardlineStore
import GuardlineTransport
#if canImport(Glibc)
import Glibc
#endif

/// One worker queue and the per-thread state it owns: a JSON parser, a
/// Vectorscan scanner (scratch) for the current generation, reusable hit
/// arrays and the reply buffer. Every connection assigned to the worker runs
/// on its queue, so none of this needs a lock.
final class Worker: @unchecked Sendable {
    let index: Int
    let queue: DispatchQueue
    let services: DaemonServices
    let parser: EventParser
    private var scanner: RuleScanner?
    private var scannerGeneration: UInt64 = .max
    /// This worker's contexts of the generation's native plugins (a context is never shared).
    private var nativeContexts: [(detector: NativeDetector, context: NativePluginContext)] = []
    private var ruleHits: [RuleHit] = []
    var hits: [SignalHit] = []
    var records: [SignalRecord] = []
    private(set) var encoder = ReplyEncoder(capacity: 256 << 10)
    /// Shared by every connection of this worker; a connection keeps only its `PendingInput`.
    var framer: LineFramer
    private let readSize: Int
    private(set) var generation: Generation
    private var now: Double = 0
    var counters = WorkerCounters()
    /// Per detector of the current generation, for this chunk (see `DetectorStatistics`).
    var chunkCalls: [UInt64] = []
    var chunkFires: [UInt64] = []
    var chunkErrors: [UInt64] = []
    var chunkTimeouts: [UInt64] = []
    var chunkNanos: [UInt64] = []
    var chunkSampled: [UInt64] = []
    var chunkMaxNanos: [UInt64] = []
    /// Process detectors only (see `Worker+ProcessDetectors.swift`): the
    /// chunk's lines, its requests, each detector's outcome, the next event's index.
    var chunkLines = ChunkLines()
    var processRequests: [ProcessRequest] = []
    var processOutcomes: [ProcessBatchOutcome] = []
    var processCursor = 0
    var chunkEvents: UInt64 = 0
    /// Every 16th event is timed: two clock reads per event would cost ~1 % of the budget.
    private var sampleCountdown = 0
    private var pendingWait = false
    /// This chunk newly flagged an account or organisation: `endChunk` asks the
    /// writer to commit now rather than at the end of its flush interval.
    private var flaggedInChunk = false
    var sampleState: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Offline replay: no wall clock, no sockets (see `ingest`).
    let replayClock: Bool
    private var lastEventTime = 0.0
    private var totalEvents = 0
    private var totalSignals = 0
    private var totalErrors: [ErrorCode: Int] = [:]

    init(index: Int, services: DaemonServices, replayClock: Bool = false) {
        self.index = index
        self.replayClock = replayClock
        self.services = services
        queue = DispatchQueue(label: "guardline.worker.\(index)", qos: .userInitiated)
        parser = EventParser(maxLineLength: services.maxLineBytes)
        readSize = 256 << 10
        framer = LineFramer(maximumLineLength: services.maxLineBytes, readCapacity: readSize)
        generation = services.generations.current
    }

    /// Handles one readable event of a connection: one read of up to 256 KiB,
    /// every complete line in it, and one `send` of all the replies.
    /// Returns the bytes read (0: nothing now, or end of input).
    @discardableResult
    func serve(_ connection: Connection, pending: inout PendingInput, mode: inout ResponseMode) -> Int {
        dispatchPrecondition(condition: .onQueue(queue))
        beginChunk()
        framer.resume(&pending)
        let count = framer.withWritableTail(minimum: readSize) { connection.read(into: $0) }
        if count > 0 { dispatchLines(mode: &mode, finishing: false) }
        framer.suspend(into: &pending)
        endChunk(connection)
        return count
    }

    /// Offline replay: runs `bytes` (any number of lines, possibly ending
    /// mid-line) through exactly the path a connection's read takes, minus
    /// the socket. Call on `queue`; `finish: true` for the last chunk.
    func ingest(_ bytes: UnsafeRawBufferPointer, pending: inout PendingInput, finish: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        var mode = ResponseMode.none
        beginChunk()
        framer.resume(&pending)
        framer.append(bytes)
        dispatchLines(mode: &mode, finishing: finish)
        framer.suspend(into: &pending)
        endChunk(nil)
    }

    /// Events handled and errors answered so far by this worker (for replay summaries).
    var totals: (events: Int, signals: Int, errors: [ErrorCode: Int]) { (totalEvents, totalSignals, totalErrors) }

    /// End of input: a last line without a newline is still a line.
    func finish(_ connection: Connection, pending: inout PendingInput, mode: inout ResponseMode) {
        beginChunk()
        framer.resume(&pending)
        dispatchLines(mode: &mode, finishing: true)
        framer.suspend(into: &pending)
        endChunk(connection)
    }

    /// Every complete line of the framer (and a last partial one when
    /// `finishing`), in order. Without process detectors each line is scored
    /// as it is framed; with them the chunk takes two passes.
    private func dispatchLines(mode: inout ResponseMode, finishing: Bool) {
        guard generation.processes.isEmpty else { return dispatchWithProcesses(mode: &mode, finishing: finishing) }
        if finishing {
            framer.finish { item in dispatch(item, mode: &mode) }
        } else {
            framer.forEachLine { item in dispatch(item, mode: &mode) }
        }
    }

    func dispatch(_ item: LineFramer.Item, mode: inout ResponseMode) {
        switch item {
        case let .line(bytes, readable):
            handle(line: bytes, readable: readable, mode: &mode)
        case .tooLong:
            handleTooLong(mode: mode)
        }
    }

    /// Starts a read chunk: picks up a newly swapped generation (rebuilding
    /// the scanner's scratch for it) and reads the clock once for all its events.
    private func beginChunk() {
        adoptCurrentGeneration()
        // Replay is deterministic: an event without `ts` takes the time of the event before it.
        now = replayClock ? lastEventTime : Worker.wallClock()
        encoder.removeAll()
    }

    /// Switches to the running generation if it changed: a new scanner
    /// scratch, plugin contexts and counter arrays for it.
    func adoptCurrentGeneration() {
        dispatchPrecondition(condition: .onQueue(queue))
        let current = services.generations.current
        if current.number != scannerGeneration {
            generation = current
            do {
                scanner = try RuleScanner(engine: current.ruleEngine)
            } catch {
                services.logger.error("worker.scratch_failed", metadata: ["worker": "\(index)", "error": "\(error)"])
            }
            nativeContexts = []
            for native in current.natives {
                do {
                    nativeContexts.append((native, try native.plugin.makeContext()))
                } catch {
                    services.logger.error("plugin.context_failed", metadata: [
                        "worker": "\(index)", "detector": "\(current.detectors[native.detector].name)", "error": "\(error)",
                    ])
                }
            }
            scannerGeneration = current.number
            let count = current.detectors.count
            chunkCalls = Array(repeating: 0, count: count)
            chunkFires = Array(repeating: 0, count: count)
            chunkErrors = Array(repeating: 0, count: count)
            chunkTimeouts = Array(repeating: 0, count: count)
            chunkNanos = Array(repeating: 0, count: count)
            chunkSampled = Array(repeating: 0, count: count)
            chunkMaxNanos = Array(repeating: 0, count: count)
        }
    }

    /// Ends a read chunk: hands the chunk's signal rows to the store writer in
    /// one call, then writes every reply of the chunk at once.
    private func endChunk(_ connection: Connection?) {
        if !records.isEmpty {
            services.writer.enqueue(records)
            records.removeAll(keepingCapacity: true)
            // One uncontended lock per chunk that wrote rows: cheap next to the rows themselves.
            pendingWait = true
        }
        if flaggedInChunk {
            // After the chunk's signal rows are queued, so the flag's evidence commits with it.
            flaggedInChunk = false
            services.writer.commitSoon()
        }
        counters.publish(to: services.metrics)
        publishStatistics()
        if !encoder.bytes.isEmpty, let connection {
            encoder.bytes.withUnsafeBytes { connection.send($0) }
        }
        if pendingWait {
            pendingWait = false
            services.waitForStore(worker: index)
        }
    }

    /// Handles one framed line and appends its reply (unless `mode` is `.none`).
    private func handle(line: UnsafeRawBufferPointer, readable: Int, mode: inout ResponseMode) {
        switch parser.parse(line, readable: readable) {
        case .event(let event):
            handle(event: event, mode: mode)
            if let recorder = services.recorder, shouldSample(recorder.sampleRate) { recorder.record(line) }
        case .ping:
            if mode == .verdict { encoder.appendPong() }
        case .hello(let responses):
            mode = responses
            if mode == .verdict { encoder.appendRaw(Self.helloVerdict) }
        case let .failure(code, message, id):
            counters.errors[code, default: 0] += 1
            totalErrors[code, default: 0] += 1
            if mode == .verdict { encoder.appendError(code, message: message, id: id) }
        }
    }

    /// A line longer than the limit: answered, and the rest of it skipped by the framer.
    private func handleTooLong(mode: ResponseMode) {
        counters.errors[.lineTooLong, default: 0] += 1
        totalErrors[.lineTooLong, default: 0] += 1
        if mode == .verdict {
            encoder.appendError(.lineTooLong, message: ErrorCode.lineTooLongMessage(limit: services.maxLineBytes),
                                id: Bytes(start: nil, count: 0))
        }
    }

    private func handle(event: EventView, mode: ResponseMode) {
        // One strong local reference for the whole event: reading the stored
        // `self.generation` at each use retained and released it each time.
        let generation = self.generation
        counters.events += 1
        totalEvents += 1
        chunkEvents += 1
        ruleHits.removeAll(keepingCapacity: true)
        let sampled = sampleCountdown == 0
        sampleCountdown = sampled ? 15 : sampleCountdown - 1
        var started = sampled ? Worker.monotonicNanos() : 0
        scanner?.scan(event, into: &ruleHits)
        if sampled {
            let now = Worker.monotonicNanos()
            for index in generation.ruleDetectors {
                noteTimedCall(of: index, nanos: now - started)
            }
            started = now
        }
        hits.removeAll(keepingCapacity: true)
        for hit in ruleHits {
            let detector = generation.detectors[hit.detectorIndex]
            hits.append(SignalHit(detector: detector.name, version: detector.version, score: hit.score,
                                  severity: detector.severity, enforcing: detector.enforcing,
                                  labels: hit.labels, evidence: hit.evidence))
        }
        for (native, context) in nativeContexts {
            chunkCalls[native.detector] += 1
            defer {
                if sampled {
                    let now = Worker.monotonicNanos()
                    noteTimedCall(of: native.detector, nanos: now - started)
                    started = now
                }
            }
            do {
                let result = try context.score(event: event)
                guard result.score >= native.threshold else { continue }
                let detector = generation.detectors[native.detector]
                hits.append(SignalHit(detector: detector.name, version: detector.version, score: result.score,
                                      severity: detector.severity, enforcing: detector.enforcing,
                                      labels: result.labels, evidence: result.evidence))
            } catch {
                // A failing plugin costs its own signal, never the verdict.
                counters.pluginErrors += 1
                chunkErrors[native.detector] += 1
            }
        }
        for learned in generation.learned where learned.reads(event.role) {
            chunkCalls[learned.detector] += 1
            let score = learned.model.score(event)
            if sampled {
                let now = Worker.monotonicNanos()
                noteTimedCall(of: learned.detector, nanos: now - started)
                started = now
            }
            guard score >= learned.threshold else { continue }
            let detector = generation.detectors[learned.detector]
            hits.append(SignalHit(detector: detector.name, version: detector.version, score: score,
                                  severity: detector.severity, enforcing: detector.enforcing,
                                  labels: learned.labels, evidence: LearnedDetector.evidence(of: event)))
        }
        if !processOutcomes.isEmpty { appendProcessHits() }
        let time = event.timestamp ?? now
        if replayClock { lastEventTime = max(lastEventTime, time) }
        let outcome = services.engine.process(accountID: event.accountID, orgID: event.orgID, time: time,
                                              isRefusal: event.isRefusal,
                                              // Only user turns count as "the same text": identical system
                                              // prompts or stock assistant replies across accounts are normal.
                                              text: event.role == .user ? event.text : Bytes(start: nil, count: 0),
                                              hits: &hits, rules: generation.behaviour)
        var score = 0.0
        var enforcing = 0
        if !hits.isEmpty {
            counters.signals += hits.count
            totalSignals += hits.count
            for hit in hits {
                if let index = generation.detectorIndex[hit.detector] { chunkFires[index] += 1 }
            }
            record(event: event, time: time)
            for hit in hits where hit.enforcing {
                score = max(score, hit.score)
                enforcing += 1
            }
        }
        if let flag = outcome.flag {
            services.recordFlag(flag, lastEventID: event.id.string)
            if flag.isNew { flaggedInChunk = true }
        }
        if generation.hasShadowDetectors && !hits.isEmpty {
            services.evaluateShadow(accountID: event.accountID, orgID: event.orgID, time: time, hits: hits,
                                    rules: generation.behaviour) { event.id.string }
        }
        if let orgFlag = outcome.orgFlag {
            services.recordOrgFlag(orgFlag)
            flaggedInChunk = true
        }
        guard mode == .verdict else { return }
        let hits = self.hits
        encoder.appendVerdict(id: event.id, score: score, flagged: outcome.flagged, risk: outcome.risk,
                              signalCount: enforcing) { index in
            // The index-th enforcing hit (shadow hits never appear in a verdict).
            var seen = -1
            for hit in hits where hit.enforcing {
                seen += 1
                if seen == index {
                    return SignalFragment(nameJSON: ReplyEncoder.quoted(hit.detector), score: hit.score,
                                          labelsJSON: ReplyEncoder.quotedArray(hit.labels))
                }
            }
            return SignalFragment(nameJSON: Self.emptyString, score: 0, labelsJSON: Self.emptyArray)
        }
    }

    static let helloVerdict = Array(#"{"ok":true,"type":"hello","responses":"verdict"}"#.utf8) + [0x0A]
    static let emptyString: [UInt8] = [0x22, 0x22]
    static let emptyArray: [UInt8] = [0x5B, 0x5D]
}
