import Dispatch
import GuardlineDetectors
import Synchronization

/// Asks every process detector of a generation about one chunk's requests.
/// With several detectors the calls run in parallel, so a chunk waits for the
/// slowest deadline, not the sum of them.
enum ProcessBatchScoring {
    static func score(_ slots: [ProcessDetectorSlot], requests: [ProcessRequest]) -> [ProcessBatchOutcome] {
        if slots.count == 1 { return [slots[0].running.detector.scoreReporting(batch: requests)] }
        let collected = OutcomeTable(count: slots.count)
        DispatchQueue.concurrentPerform(iterations: slots.count) { index in
            collected.set(index, slots[index].running.detector.scoreReporting(batch: requests))
        }
        return collected.outcomes(requestCount: requests.count)
    }

    /// The results of the parallel calls, one slot per detector.
    private final class OutcomeTable: Sendable {
        private let table: Mutex<[ProcessBatchOutcome?]>

        init(count: Int) { table = Mutex(Array(repeating: nil, count: count)) }

        func set(_ index: Int, _ outcome: ProcessBatchOutcome) { table.withLock { $0[index] = outcome } }

        func outcomes(requestCount: Int) -> [ProcessBatchOutcome] {
            table.withLock { entries in
                entries.map { $0 ?? ProcessBatchOutcome(results: Array(repeating: nil, count: requestCount), refused: requestCount) }
            }
        }
    }
}
