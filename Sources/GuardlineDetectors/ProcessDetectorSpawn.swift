#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `pipe2` is a GNU extension the Glibc module does not always export; it is
/// the only way to get close-on-exec pipe ends without a race against another
/// thread's fork.
@_silgen_name("pipe2")
private func c_pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// glibc 2.29+: the child changes directory between fork and exec, so the
/// daemon's own working directory never changes.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func c_posix_spawn_file_actions_addchdir_np(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                                      _ path: UnsafePointer<CChar>) -> Int32

/// A running child process of a `ProcessDetector` and its three pipe ends.
///
/// Ownership: `input` is closed by the detector (under its write lock) when
/// the child dies or the detector stops; `output` and `errors` are closed by
/// the reader thread, which alone reads them.
final class SpawnedChild: @unchecked Sendable {
    let processID: pid_t
    /// Our end of the child's stdin, non-blocking.
    let input: Int32
    /// Our end of the child's stdout, blocking (only the reader thread reads it).
    let output: Int32
    /// Our end of the child's stderr, blocking.
    let errors: Int32

    init(processID: pid_t, input: Int32, output: Int32, errors: Int32) {
        self.processID = processID
        self.input = input
        self.output = output
        self.errors = errors
    }
}

/// Every raw process and pipe call of `ProcessDetector`: `EINTR` is retried,
/// `EAGAIN` and EOF are ordinary results, anything else is an errno.
enum ProcessSyscalls {
    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfFile
        case failed(errno: Int32)
    }

    /// Starts `command` (searched in `PATH`) with stdin, stdout and stderr on
    /// fresh close-on-exec pipes. The child gets default signal dispositions
    /// (the daemon ignores SIGPIPE, and ignored signals survive `exec`) and an
    /// empty signal mask.
    static func spawn(command: [String], environment: [String: String]?,
                      workingDirectory: String? = nil) throws(ProcessDetectorError) -> SpawnedChild {
        precondition(!command.isEmpty, "a process detector needs a command")
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        let cloexec = Int32(O_CLOEXEC)
        guard c_pipe2(&stdinPipe, cloexec) == 0 else { throw .spawnFailed(command: command, reason: "pipe2: " + describe(errno)) }
        guard c_pipe2(&stdoutPipe, cloexec) == 0 else {
            let code = errno
            closeAll(stdinPipe)
            throw .spawnFailed(command: command, reason: "pipe2: " + describe(code))
        }
        guard c_pipe2(&stderrPipe, cloexec) == 0 else {
            let code = errno
            closeAll(stdinPipe + stdoutPipe)
            throw .spawnFailed(command: command, reason: "pipe2: " + describe(code))
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the target, so only 0, 1 and 2 survive exec.
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        if let workingDirectory { _ = c_posix_spawn_file_actions_addchdir_np(&actions, workingDirectory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGHUP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let environmentLines: [String]? = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        let environmentPointers: [UnsafeMutablePointer<CChar>?]? = environmentLines.map { $0.map { strdup($0) } + [nil] }
        defer { environmentPointers?.forEach { free($0) } }

        var processID: pid_t = 0
        let result: Int32
        if let environmentPointers {
            result = environmentPointers.withUnsafeBufferPointer { environmentBuffer in
                posix_spawnp(&processID, command[0], &actions, &attributes, arguments, environmentBuffer.baseAddress)
            }
        } else {
            result = posix_spawnp(&processID, command[0], &actions, &attributes, arguments, environ)
        }
        closeAll([stdinPipe[0], stdoutPipe[1], stderrPipe[1]])
        guard result == 0 else {
            closeAll([stdinPipe[1], stdoutPipe[0], stderrPipe[0]])
            throw .spawnFailed(command: command, reason: describe(result))
        }
        let flags = fcntl(stdinPipe[1], F_GETFL)
        _ = fcntl(stdinPipe[1], F_SETFL, flags | O_NONBLOCK)
        return SpawnedChild(processID: processID, input: stdinPipe[1], output: stdoutPipe[0], errors: stderrPipe[0])
    }

    /// One non-blocking write of `bytes[offset...]`.
    static func write(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> IOResult {
        bytes.withUnsafeBytes { raw in
            while true {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written >= 0 { return .bytes(written) }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock
                default: return .failed(errno: errno)
                }
            }
        }
    }

    /// Waits until `fd` is writable or `milliseconds` have passed.
    static func waitWritable(_ fd: Int32, milliseconds: Int32) {
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&descriptor, 1, max(0, milliseconds))
    }

    /// Blocks until `output` or `errors` (when not -1) is readable; returns
    /// which ones are (readable, hung up or in error all count).
    static func waitReadable(output: Int32, errors: Int32) -> (output: Bool, errors: Bool) {
        var descriptors = [pollfd(fd: output, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&descriptors, errors >= 0 ? 2 : 1, -1)
            if ready >= 0 { break }
            if errno != EINTR { return (true, errors >= 0) }
        }
        return (descriptors[0].revents != 0, errors >= 0 && descriptors[1].revents != 0)
    }

    /// One blocking read into `buffer`.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> IOResult {
        buffer.withUnsafeMutableBytes { raw in
            while true {
                let count = Glibc.read(fd, raw.baseAddress!, raw.count)
                if count > 0 { return .bytes(count) }
                if count == 0 { return .endOfFile }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock
                default: return .failed(errno: errno)
                }
            }
        }
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    static func signal(_ processID: pid_t, _ signal: Int32) { _ = kill(processID, signal) }

    /// Reaps the child, blocking; describes how it ended ("exit status 3",
    /// "killed by signal 9").
    static func reap(_ processID: pid_t) -> String {
        var status: Int32 = 0
        while waitpid(processID, &status, 0) < 0 {
            if errno != EINTR { return "not reaped: " + describe(errno) }
        }
        let signal = status & 0x7f
        if signal == 0 { return "exit status \((status >> 8) & 0xff)" }
        return "killed by signal \(signal)"
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) + " (errno \(code))" }

    private static func closeAll(_ fds: [Int32]) { fds.forEach { _ = Glibc.close($0) } }
}

extension ProcessSyscalls {
    /// Whether `fd` becomes readable (or hangs up) within `milliseconds`.
    static func readableSoon(_ fd: Int32, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Whether the child has exited, without reaping it.
    static func hasExited(_ processID: pid_t) -> Bool {
        var information = siginfo_t()
        let flags = WEXITED | WNOHANG | WNOWAIT
        guard waitid(P_PID, id_t(processID), &information, flags) == 0 else { return true }
        return information.si_signo != 0  // zeroed when no child has changed state
    }
}
