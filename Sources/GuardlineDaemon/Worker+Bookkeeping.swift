import GuardlineProtocol
import GuardlineStore
#if canImport(Glibc)
import Glibc
#endif

/// The worker's bookkeeping around scoring: signal rows for the store,
/// sampling decisions, per-chunk detector statistics and the clocks. Kept
/// apart from `Worker.swift`, which holds the per-line path itself.
extension Worker {
    func record(event: EventView, time: Double) {
        let eventID = event.id.string
        let accountID = event.accountID.string
        let orgID = event.orgID.count > 0 ? event.orgID.string : nil
        let conversationID = event.conversationID.count > 0 ? event.conversationID.string : nil
        for hit in hits {
            records.append(SignalRecord(eventID: eventID, accountID: accountID, orgID: orgID, conversationID: conversationID,
                                        detector: hit.detector, detectorVersion: hit.version,
                                        mode: hit.enforcing ? "enforce" : "shadow", score: hit.score,
                                        labels: hit.labels, evidence: hit.evidence, createdAt: time))
        }
    }


    /// xorshift64: a cheap, per-worker sampling decision.
    func shouldSample(_ rate: Double) -> Bool {
        guard rate < 1 else { return true }
        sampleState ^= sampleState << 13
        sampleState ^= sampleState >> 7
        sampleState ^= sampleState << 17
        return Double(sampleState >> 11) / Double(1 << 53) < rate
    }

    /// Hands this chunk's per-detector counts to the shared statistics (one lock per chunk).
    func publishStatistics() {
        guard chunkEvents > 0 || chunkFires.contains(where: { $0 > 0 }) else { return }
        // Rules and behavioural detectors score every event; natives and processes counted their own calls.
        for index in chunkCalls.indices where !generation.countsOwnCalls[index] { chunkCalls[index] += chunkEvents }
        services.statistics.add(names: generation.behaviour.detectorNames, calls: chunkCalls, fires: chunkFires,
                                errors: chunkErrors, timeouts: chunkTimeouts, sampledNanos: chunkNanos, sampledCalls: chunkSampled,
                                maxNanos: chunkMaxNanos)
        for index in chunkCalls.indices {
            chunkCalls[index] = 0
            chunkFires[index] = 0
            chunkErrors[index] = 0
            chunkTimeouts[index] = 0
            chunkNanos[index] = 0
            chunkSampled[index] = 0
            chunkMaxNanos[index] = 0
        }
        chunkEvents = 0
    }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func wallClock() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// One timed call of detector `index` in this chunk (only sampled events are timed).
    @inline(__always)
    func noteTimedCall(of index: Int, nanos: UInt64) {
        chunkNanos[index] += nanos
        chunkSampled[index] += 1
        chunkMaxNanos[index] = max(chunkMaxNanos[index], nanos)
    }
}
