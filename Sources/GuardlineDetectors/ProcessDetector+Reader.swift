import Foundation

/// Spawning, the reader thread, reply matching, death and restart.
extension ProcessDetector {
    /// Spawns a child and its reader thread. Caller holds `lock`.
    func launchLocked() throws(ProcessDetectorError) {
        let spawned = try ProcessSyscalls.spawn(command: configuration.command, environment: configuration.environment,
                                                workingDirectory: configuration.workingDirectory)
        child = spawned
        stderrTail = []
        writeLock.lock()
        inputDescriptor = spawned.input
        inputOwner = spawned.processID
        unwrittenOutput = []
        writeLock.unlock()
        activeReaders += 1
        let thread = Thread { [self] in readReplies(from: spawned) }
        thread.name = "guardline.process.\(configuration.name)"
        thread.start()
    }

    /// The reader thread: splits stdout into reply lines and keeps stderr's
    /// last lines, until stdout ends; then reaps the child.
    private func readReplies(from spawned: SpawnedChild) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var line: [UInt8] = []
        var errorLine: [UInt8] = []
        var errors = spawned.errors
        var ending = "closed its stdout"
        reading: while true {
            let ready = ProcessSyscalls.waitReadable(output: spawned.output, errors: errors)
            if ready.errors && !drainErrors(errors, into: &buffer, line: &errorLine) {
                ProcessSyscalls.close(errors)
                errors = -1
            }
            guard ready.output else { continue }
            switch ProcessSyscalls.read(spawned.output, into: &buffer) {
            case .bytes(let count):
                var start = 0
                for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                    line += buffer[start..<index]
                    handleReply(line)
                    line.removeAll(keepingCapacity: true)
                    start = index + 1
                }
                line += buffer[start..<count]
            case .wouldBlock:
                continue
            case .endOfFile:
                break reading
            case .failed(let code):
                ending = "stdout read failed: " + ProcessSyscalls.describe(code)
                break reading
            }
        }
        // Give a child that is exiting on its own a moment to finish stderr and exit.
        let graceEnd = ProcessSyscalls.now() + 0.1
        while errors >= 0 && ProcessSyscalls.now() < graceEnd {
            if !ProcessSyscalls.readableSoon(errors, milliseconds: 20) { continue }
            if !drainErrors(errors, into: &buffer, line: &errorLine) {
                ProcessSyscalls.close(errors)
                errors = -1
            }
        }
        if !ProcessSyscalls.hasExited(spawned.processID) { ProcessSyscalls.signal(spawned.processID, SIGKILL) }
        let status = ProcessSyscalls.reap(spawned.processID)
        if errors >= 0 { ProcessSyscalls.close(errors) }
        ProcessSyscalls.close(spawned.output)
        closeInput(of: spawned)
        if !errorLine.isEmpty { appendErrorLine(errorLine) }
        handleDeath(of: spawned, reason: "child \(spawned.processID) \(ending), \(status)")
    }

    /// Reads what stderr has; false at EOF or error.
    private func drainErrors(_ errors: Int32, into buffer: inout [UInt8], line: inout [UInt8]) -> Bool {
        guard case .bytes(let count) = ProcessSyscalls.read(errors, into: &buffer) else { return false }
        var start = 0
        for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
            line += buffer[start..<index]
            appendErrorLine(line)
            line.removeAll(keepingCapacity: true)
            start = index + 1
        }
        line += buffer[start..<count]
        if line.count > 4096 { line.removeFirst(line.count - 4096) }
        return true
    }

    private func appendErrorLine(_ bytes: [UInt8]) {
        let text = String(decoding: bytes.prefix(1000), as: UTF8.self)
        lock.lock()
        stderrTail.append(text)
        if stderrTail.count > configuration.stderrLinesKept { stderrTail.removeFirst(stderrTail.count - configuration.stderrLinesKept) }
        lock.unlock()
    }

    /// Matches one reply line to its pending request by `seq`.
    private func handleReply(_ line: [UInt8]) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        let parsed = try? JSONSerialization.jsonObject(with: Data(line), options: [])
        let object = parsed as? [String: Any]
        let sequence = (object?["seq"] as? NSNumber).flatMap { UInt64(exactly: $0.doubleValue) }
        lock.lock()
        defer { lock.unlock() }
        guard let object, let sequence else {
            counters.errors += 1
            recordFailureLocked("malformed reply line: " + String(decoding: line.prefix(200), as: UTF8.self))
            return
        }
        guard let entry = pending.removeValue(forKey: sequence) else {
            counters.lateReplies += 1
            return
        }
        entry.waiter.outstanding -= 1
        defer { lock.broadcast() }
        if let message = object["error"] {
            entry.waiter.failed = true
            entry.waiter.errors += 1
            counters.errors += 1
            recordFailureLocked("child reported an error for seq \(sequence): \(message)")
            return
        }
        guard let score = (object["score"] as? NSNumber)?.doubleValue, score >= 0, score <= 1 else {
            entry.waiter.failed = true
            entry.waiter.errors += 1
            counters.errors += 1
            recordFailureLocked("reply for seq \(sequence) has no score in [0, 1]")
            return
        }
        let labels = (object["labels"] as? [Any])?.compactMap { $0 as? String } ?? []
        let evidence = object["evidence"] as? String ?? ""
        entry.waiter.results[entry.index] = ProcessResult(score: score, labels: labels, evidence: evidence)
        backoff = configuration.restartBackoff
    }

    /// Resolves everything pending as nil, records why, and schedules a restart.
    private func handleDeath(of spawned: SpawnedChild, reason: String) {
        lock.lock()
        defer { lock.unlock() }
        activeReaders -= 1
        if child === spawned { child = nil }
        for entry in pending.values {
            entry.waiter.outstanding -= 1
            entry.waiter.failed = true
            entry.waiter.errors += 1
        }
        pending.removeAll()
        lock.broadcast()
        guard running else { return }
        let tail = stderrTail.isEmpty ? "" : "; stderr: " + stderrTail.joined(separator: " | ")
        recordFailureLocked(reason + tail)
        scheduleRestartLocked()
    }

    private func scheduleRestartLocked() {
        let delay = backoff
        backoff = min(backoff * 2, configuration.restartBackoffMaximum)
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in restart() }
    }

    private func restart() {
        lock.lock()
        defer { lock.unlock() }
        guard running, child == nil else { return }
        counters.restarts += 1
        do {
            try launchLocked()
        } catch {
            recordFailureLocked(error.description)
            scheduleRestartLocked()
        }
    }
}
