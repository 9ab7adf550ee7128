import GuardlineDetectors
import GuardlineEngine
import GuardlineProtocol

/// The two-pass chunk, used only when the generation has `kind: process`
/// detectors, so a child is asked once per read chunk instead of once per
/// event, and the chunk waits at most one deadline:
/// 1. frame every line into `chunkLines`, parse it, build a request per event;
/// 2. ask every process detector about all requests at once (in parallel);
/// 3. walk the lines again through the ordinary path, each event picking up
///    its results by position (`processCursor`), so replies, errors, pings and
///    hellos stay in request order.
extension Worker {
    func dispatchWithProcesses(mode: inout ResponseMode, finishing: Bool) {
        chunkLines.removeAll()
        if finishing {
            framer.finish { item in chunkLines.append(item) }
        } else {
            framer.forEachLine { item in chunkLines.append(item) }
        }
        guard !chunkLines.isEmpty else { return }
        chunkLines.seal()

        processRequests.removeAll(keepingCapacity: true)
        chunkLines.forEach { item in
            guard case let .line(bytes, readable) = item, case .event(let event) = parser.parse(bytes, readable: readable) else { return }
            processRequests.append(ProcessRequest(event: event))
        }
        if !processRequests.isEmpty {
            processOutcomes = ProcessBatchScoring.score(generation.processes, requests: processRequests)
            countProcessOutcomes()
        }
        processCursor = 0
        chunkLines.forEach { item in dispatch(item, mode: &mode) }
        processOutcomes.removeAll(keepingCapacity: true)
    }

    /// Adds the signals of the current event's process results to `hits`:
    /// a score at or above the detector's threshold fires, like any other kind.
    func appendProcessHits() {
        let eventIndex = processCursor
        processCursor += 1
        for (position, slot) in generation.processes.enumerated() {
            let results = processOutcomes[position].results
            guard eventIndex < results.count, let result = results[eventIndex], result.score >= slot.threshold else { continue }
            let detector = generation.detectors[slot.detector]
            hits.append(SignalHit(detector: detector.name, version: detector.version, score: result.score,
                                  severity: detector.severity, enforcing: detector.enforcing,
                                  labels: result.labels.isEmpty ? slot.labels : result.labels, evidence: result.evidence))
        }
    }

    /// Calls, errors (refused included), timeouts and batch latency, per detector, into the chunk's counters.
    private func countProcessOutcomes() {
        for (position, slot) in generation.processes.enumerated() {
            let outcome = processOutcomes[position]
            let failed = outcome.errors + outcome.refused
            chunkCalls[slot.detector] += UInt64(processRequests.count)
            chunkErrors[slot.detector] += UInt64(failed)
            chunkTimeouts[slot.detector] += UInt64(outcome.timeouts)
            counters.processErrors += failed
            counters.processTimeouts += outcome.timeouts
            if outcome.seconds > 0 {
                noteTimedCall(of: slot.detector, nanos: UInt64(outcome.seconds * 1e9))
            }
        }
    }
}
