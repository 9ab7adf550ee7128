import Foundation

/// A detector that runs as a separate process and speaks NDJSON over pipes,
/// so a classifier in any language (Python, a model server wrapper) can score
/// events without being linked into the daemon and without taking it down
/// when it crashes.
///
/// Protocol (the child's side is documented in `config/plugins/example_classifier.py`):
/// - The child reads one request per line on stdin:
///   `{"seq":N,"id":"…","account_id":"…","org_id":"…","conversation_id":"…","role":"user","text":"…",
///     "tool_calls":[{"name":"…","arguments":"…"}],"meta":{…}}`
/// - It writes one reply line per request on stdout, in any order, flushing
///   after each: `{"seq":N,"score":0.0-1.0,"labels":["…"],"evidence":"…"}`
///   or `{"seq":N,"error":"…"}`. `seq` is how replies are matched.
/// - stderr is drained continuously; its last lines appear in `lastError`.
///
/// Batched and pipelined: `score(batch:)` writes every request of a batch in
/// one write and waits for all replies until one deadline shared by the
/// batch, so a batch costs at most one deadline, never one round trip per
/// event. Replies after the deadline are discarded.
///
/// Failure handling: a child that dies (EOF, EPIPE, exit) resolves all
/// pending requests as nil at once and is restarted with exponential
/// backoff. Failures within a window open a circuit breaker, during which
/// `score` answers all-nil without touching the child; after the open period
/// one trial batch closes or reopens it.
///
/// Thread safety: all mutable state is owned by `lock` (an `NSCondition`,
/// also used to wait for replies); the child's stdin descriptor and the
/// unwritten output are owned by `writeLock`. `lock` is never taken while
/// `writeLock` is held. Call `stop()` before dropping the detector: the
/// reader thread keeps it alive while a child runs.
public final class ProcessDetector: @unchecked Sendable {
    public let configuration: ProcessDetectorConfiguration
    public var name: String { configuration.name }

    let lock = NSCondition()
    var running = false
    var child: SpawnedChild?
    var activeReaders = 0
    var nextSequence: UInt64 = 1
    var pending: [UInt64: (waiter: BatchWaiter, index: Int)] = [:]
    var breaker: ProcessCircuitBreaker
    var counters = ProcessDetectorStatistics()
    var lastErrorText: String?
    var stderrTail: [String] = []
    var backoff: Double

    let writeLock = NSLock()
    var inputDescriptor: Int32 = -1
    var inputOwner: pid_t = 0
    var unwrittenOutput: [UInt8] = []
    /// A child that does not read this much of what it was sent is killed.
    static let unwrittenLimit = 4 << 20

    public init(configuration: ProcessDetectorConfiguration) {
        self.configuration = configuration
        breaker = ProcessCircuitBreaker(failureLimit: configuration.breakerFailures,
                                        window: configuration.breakerWindow,
                                        openDuration: configuration.breakerOpenDuration)
        backoff = configuration.restartBackoff
    }

    /// Seconds on the monotonic clock, the clock of `ProcessBreakerState.open(until:)`.
    public static func monotonicNow() -> Double { ProcessSyscalls.now() }

    /// Starts the child. Throws when the first child cannot be spawned at all;
    /// later restarts report failures through `lastError` instead.
    public func start() throws(ProcessDetectorError) {
        lock.lock()
        defer { lock.unlock() }
        guard !running else { return }
        running = true
        do {
            try launchLocked()
        } catch {
            running = false
            throw error
        }
    }

    /// Stops the child (stdin closed, SIGTERM, SIGKILL after a second) and
    /// waits for its reader thread. Pending requests resolve as nil.
    public func stop() {
        lock.lock()
        running = false
        let current = child
        lock.unlock()
        guard let current else { return }
        closeInput(of: current)
        ProcessSyscalls.signal(current.processID, SIGTERM)
        lock.lock()
        defer { lock.unlock() }
        let killTime = Date().addingTimeInterval(1)
        while activeReaders > 0 {
            if !lock.wait(until: killTime) {
                // Ignored SIGTERM (or stuck): the reader thread reaps it once it is gone.
                ProcessSyscalls.signal(current.processID, SIGKILL)
                while activeReaders > 0 { lock.wait() }
            }
        }
    }

    /// The breaker's state now.
    public var state: ProcessBreakerState {
        lock.lock()
        defer { lock.unlock() }
        return breaker.state
    }

    public var statistics: ProcessDetectorStatistics {
        lock.lock()
        defer { lock.unlock() }
        var copy = counters
        copy.breaker = breaker.state
        return copy
    }

    /// The last failure, with the child's exit status and last stderr lines
    /// when it died; nil when nothing went wrong yet.
    public var lastError: String? {
        lock.lock()
        defer { lock.unlock() }
        return lastErrorText
    }

    /// The running child's process id, nil between a death and its restart.
    public var childProcessID: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return child?.processID
    }

    /// Scores a batch: one write, one shared deadline. Returns one entry per
    /// request, in order; nil where the child did not answer by the deadline,
    /// answered with an error, died, or was not asked (breaker open, no child,
    /// too many requests in flight).
    public func score(batch: [ProcessRequest]) -> [ProcessResult?] {
        scoreReporting(batch: batch).results
    }

    /// `score(batch:)`, plus why the nil results are nil: the counts of this
    /// batch alone, so callers sharing the detector (every worker) can keep
    /// their own statistics without reading the shared counters.
    public func scoreReporting(batch: [ProcessRequest]) -> ProcessBatchOutcome {
        let started = ProcessSyscalls.now()
        let deadline = started + configuration.deadline
        let waiter = BatchWaiter(count: batch.count)
        lock.lock()
        counters.batches += 1
        counters.requests += batch.count
        guard !batch.isEmpty, breaker.allows(now: started), child != nil else {
            counters.refused += batch.count
            lock.unlock()
            return ProcessBatchOutcome(results: waiter.results, refused: batch.count)
        }
        let admitted = min(batch.count, max(0, configuration.maxInFlight - pending.count))
        counters.refused += batch.count - admitted
        let firstSequence = nextSequence
        nextSequence += UInt64(admitted)
        for index in 0..<admitted { pending[firstSequence + UInt64(index)] = (waiter, index) }
        waiter.outstanding = admitted
        lock.unlock()
        guard admitted > 0 else { return ProcessBatchOutcome(results: waiter.results, refused: batch.count) }

        let written = write(Self.encode(batch.prefix(admitted), firstSequence: firstSequence), until: deadline)

        lock.lock()
        defer { lock.unlock() }
        if let failure = written {
            counters.errors += 1
            // A child that died between the check above and the write had its
            // death recorded (reason and breaker failure) when it happened; do
            // not bury that reason under this consequence of it.
            if case .failed(let reason) = failure { recordFailureLocked(reason) }
        } else {
            while waiter.outstanding > 0 {
                let remaining = deadline - ProcessSyscalls.now()
                if remaining <= 0 || !lock.wait(until: Date().addingTimeInterval(remaining)) { break }
            }
        }
        // Whatever is still pending missed the deadline; a late reply finds no entry.
        var missed = 0
        for index in 0..<admitted where pending.removeValue(forKey: firstSequence + UInt64(index)) != nil { missed += 1 }
        var outcome = ProcessBatchOutcome(results: [], refused: batch.count - admitted)
        if missed > 0 && written == nil {
            counters.timeouts += missed
            outcome.timeouts = missed
            recordFailureLocked("\(missed) of \(admitted) requests got no reply within \(Int(configuration.deadline * 1000)) ms")
        } else if !waiter.failed && written == nil {
            breaker.recordSuccess()
        }
        outcome.errors = written == nil ? waiter.errors : missed
        counters.fires += waiter.results.reduce(0) { $0 + (($1?.score ?? 0) > 0 ? 1 : 0) }
        let elapsed = ProcessSyscalls.now() - started
        counters.latencyCount += 1
        counters.latencyTotal += elapsed
        counters.latencyMaximum = max(counters.latencyMaximum, elapsed)
        outcome.results = waiter.results
        outcome.seconds = elapsed
        return outcome
    }

    /// `{"seq":N,` + fields + newline per request, one buffer for the batch.
    static func encode(_ requests: ArraySlice<ProcessRequest>, firstSequence: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(requests.reduce(0) { $0 + $1.fields.count + 32 })
        let prefix = Array(#"{"seq":"#.utf8)
        for (offset, request) in requests.enumerated() {
            bytes += prefix
            appendDecimal(firstSequence + UInt64(offset), to: &bytes)
            bytes.append(UInt8(ascii: ","))
            bytes += request.fields
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Decimal digits without a `String` per request: appended, then reversed in place.
    private static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        let start = bytes.count
        var remaining = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(remaining % 10))
            remaining /= 10
        } while remaining > 0
        bytes[start...].reverse()
    }

    /// Why a write to the child failed.
    enum WriteFailure: Equatable {
        /// The child is already gone; its death was recorded when it happened.
        case noChild
        /// The pipe refused the bytes (end of file, EPIPE or another errno).
        case failed(String)
    }

    /// Writes `bytes` after any output a slow child has not taken yet. Returns
    /// nil on success (including output left for later at the deadline), or
    /// why the write failed.
    func write(_ bytes: [UInt8], until deadline: Double) -> WriteFailure? {
        writeLock.lock()
        defer { writeLock.unlock() }
        guard inputDescriptor >= 0 else { return .noChild }
        var buffer = unwrittenOutput.isEmpty ? bytes : unwrittenOutput + bytes
        unwrittenOutput = []
        var offset = 0
        while offset < buffer.count {
            switch ProcessSyscalls.write(inputDescriptor, buffer, from: offset) {
            case .bytes(let count):
                offset += count
            case .wouldBlock:
                let remaining = deadline - ProcessSyscalls.now()
                if remaining <= 0 {
                    buffer.removeFirst(offset)
                    unwrittenOutput = buffer
                    // A child this far behind is stuck: kill it and let the restart logic take over.
                    if unwrittenOutput.count > Self.unwrittenLimit { ProcessSyscalls.signal(inputOwner, SIGKILL) }
                    return nil
                }
                ProcessSyscalls.waitWritable(inputDescriptor, milliseconds: Int32(remaining * 1000) + 1)
            case .endOfFile:
                return .failed("write to child returned end of file")
            case .failed(let code):
                return .failed("write to child failed: " + ProcessSyscalls.describe(code))
            }
        }
        return nil
    }

    /// Closes the stdin pipe of `spawned` if it is still the current one.
    func closeInput(of spawned: SpawnedChild) {
        writeLock.lock()
        defer { writeLock.unlock() }
        guard inputOwner == spawned.processID, inputDescriptor >= 0 else { return }
        ProcessSyscalls.close(inputDescriptor)
        inputDescriptor = -1
        unwrittenOutput = []
    }

    func recordFailureLocked(_ reason: String) {
        lastErrorText = "\(configuration.name): \(reason)"
        if breaker.recordFailure(reason, now: ProcessSyscalls.now()) { counters.breakerOpenings += 1 }
    }
}

/// The results of one `score(batch:)` call while its replies come in. Owned
/// by the detector's lock.
final class BatchWaiter {
    var results: [ProcessResult?]
    var outstanding = 0
    /// Some request of the batch got an error reply or its child died.
    var failed = false
    /// Requests that got an error reply, a malformed score, or lost their child.
    var errors = 0

    init(count: Int) { results = Array(repeating: nil, count: count) }
}
