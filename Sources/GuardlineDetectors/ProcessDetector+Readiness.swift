import Foundation

extension ProcessDetector {
    /// Waits until the child answers one probe request, or `timeout` seconds pass.
    ///
    /// Why: a child that was just spawned is still importing its libraries
    /// or loading its model, and the protocol has no "ready" line. Without
    /// this, the first read chunks after a reload would each wait out the
    /// full deadline and go out without this detector: a pause on the hot
    /// path. Called while a generation is being built (off the hot path), so
    /// the swap happens only once the child really scores.
    ///
    /// The probe is an ordinary request (`id` `guardline-readiness-probe`,
    /// empty account, a short text); any reply, score or error, means the
    /// child reads and writes. Nothing is counted: the probe never shows in
    /// statistics or trips the breaker. Returns whether the child answered.
    public func awaitReady(timeout: Double) -> Bool {
        let probe = ProcessRequest(id: "guardline-readiness-probe", accountID: "", text: "readiness probe")
        let deadline = ProcessSyscalls.now() + timeout
        let waiter = BatchWaiter(count: 1)
        lock.lock()
        guard child != nil else {
            lock.unlock()
            return false
        }
        let sequence = nextSequence
        nextSequence += 1
        pending[sequence] = (waiter, 0)
        waiter.outstanding = 1
        lock.unlock()

        let failure = write(Self.encode([probe][...], firstSequence: sequence), until: deadline)

        lock.lock()
        defer { lock.unlock() }
        if failure == nil {
            while waiter.outstanding > 0 {
                let remaining = deadline - ProcessSyscalls.now()
                if remaining <= 0 || !lock.wait(until: Date().addingTimeInterval(remaining)) { break }
            }
        }
        pending.removeValue(forKey: sequence)
        return failure == nil && waiter.outstanding == 0
    }
}
