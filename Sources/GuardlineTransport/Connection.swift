import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// What the owner of a connection's protocol state implements. Every call
/// arrives on the connection's serial queue.
public protocol ConnectionDelegate: AnyObject {
    /// The socket is readable: call `connection.read(into:)` (once is enough:
    /// the source fires again while data remains), handle every complete
    /// line, and `send` the replies.
    func connectionReadable(_ connection: Connection)
    /// The peer closed its sending side (or reset). Handle a final unterminated line here.
    func connectionReachedEndOfInput(_ connection: Connection)
    /// The descriptor is closed; release per-connection state.
    func connectionClosed(_ connection: Connection)
}

/// One accepted TCP connection: owns the descriptor, its read and write
/// sources and the bytes not yet written. Reading is watched by a `ReadLoop`
/// when one is given (the workers' connections), else by a Dispatch source.
///
/// Backpressure: when more than `highWatermark` reply bytes are waiting for
/// a slow reader, reading from that peer stops until the backlog falls below
/// `lowWatermark`. A peer that never reads therefore stalls only itself, and
/// memory per connection stays bounded. Peers that asked for no responses
/// never build a backlog at all.
public final class Connection: @unchecked Sendable {
    public let id: UInt64
    /// Serial queue that owns every mutable field below.
    public let queue: DispatchQueue
    public weak var delegate: (any ConnectionDelegate)?
    public let highWatermark: Int
    public let lowWatermark: Int

    private let fd: Int32
    private let readLoop: ReadLoop?
    /// Nil while `readLoop` watches the descriptor.
    private var readSource: DispatchSourceRead?
    private let writeSource: DispatchSourceWrite
    /// The read handler, kept to re-register with the loop after a pause.
    private var readHandler: (@Sendable () -> Void)?
    /// The read side's share of the close handshake when the loop watches it.
    private var readCancel: (@Sendable () -> Void)?
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var readSuspended = false
    private var writeArmed = false
    private var writeActivated = false
    private var inputEnded = false
    private var sawEndOfInput = false
    private var closing = false
    private var closed = false
    private var cancelledSources = 0

    /// `readLoop`, when given, must run its handlers on `queue`; `id` is its
    /// token for this descriptor, so it must not be 0.
    public init(fd: Int32, id: UInt64, queue: DispatchQueue, readLoop: ReadLoop? = nil,
                highWatermark: Int = 4 << 20, lowWatermark: Int = 1 << 20) {
        precondition(readLoop == nil || readLoop!.queue === queue, "a read loop runs handlers on its own queue")
        self.fd = fd
        self.id = id
        self.queue = queue
        self.readLoop = readLoop
        self.highWatermark = highWatermark
        self.lowWatermark = lowWatermark
        if readLoop == nil { readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue) }
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        _ = try? Syscalls.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
    }

    /// Starts reading. The connection keeps itself alive until it is closed.
    public func start() {
        let readable: @Sendable () -> Void = { [self] in
            guard !closed, !inputEnded, !readSuspended else { return }
            delegate?.connectionReadable(self)
            // End of input is reported after the delegate's read returns, never
            // from inside `read`: the delegate may be mid-way through its buffers.
            if sawEndOfInput { endInput() }
        }
        readHandler = readable
        writeSource.setEventHandler { [self] in flushPending() }
        let onCancel: @Sendable () -> Void = { [self] in
            cancelledSources += 1
            if cancelledSources == 2 {
                Syscalls.close(fd)
                delegate?.connectionClosed(self)
                delegate = nil
            }
        }
        writeSource.setCancelHandler(handler: onCancel)
        if let readLoop {
            readCancel = onCancel
            do {
                try readLoop.add(fd: fd, token: id, handler: readable)
                return
            } catch {
                // The epoll set refused the descriptor (out of memory, say): a
                // Dispatch source reads it instead, slower but equal.
                readCancel = nil
            }
        }
        let source = readSource ?? DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        readSource = source
        source.setEventHandler(handler: readable)
        source.setCancelHandler(handler: onCancel)
        source.activate()
    }

    /// Backpressure: stop reading. The loop forgets the descriptor (a
    /// level-triggered hang-up would otherwise wake it in a busy loop).
    private func pauseReading() {
        if let readSource { readSource.suspend() } else if let readLoop { readLoop.remove(fd: fd, token: id) }
    }

    private func resumeReading() {
        if let readSource {
            readSource.resume()
        } else if let readLoop, let readHandler {
            do {
                try readLoop.add(fd: fd, token: id, handler: readHandler)
            } catch {
                // Cannot happen for a descriptor the set held before, short of
                // memory exhaustion; read once more so no input waits for ever.
                readHandler()
            }
        }
    }

    /// Stops reading for good; counts as the read side's cancel.
    private func cancelReading() {
        if let readSource {
            readSource.cancel()
        } else if let readLoop, let cancel = readCancel {
            readCancel = nil
            readHandler = nil
            readLoop.remove(fd: fd, token: id)
            queue.async(execute: cancel)
        }
    }

    /// Reads once into `buffer`. Call only from `connectionReadable` (or from
    /// work on this queue such as a shutdown drain). Returns the number of
    /// bytes read; 0 means nothing now, or end of input, which is reported to
    /// the delegate once the current handler returns.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        dispatchPrecondition(condition: .onQueue(queue))
        do {
            switch try Syscalls.read(fd, into: buffer) {
            case .bytes(let n): return n
            case .wouldBlock: return 0
            case .endOfFile:
                sawEndOfInput = true
                return 0
            }
        } catch {
            // A hard read error (rare: ETIMEDOUT, EHOSTUNREACH) ends the connection like EOF.
            sawEndOfInput = true
            return 0
        }
    }

    /// Queues reply bytes and writes as much as the socket takes now.
    public func send(_ bytes: UnsafeRawBufferPointer) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !closed, bytes.count > 0 else { return }
        if pending.count == pendingStart {
            // Nothing queued: try to write straight from the caller's buffer.
            let written = writeNow(bytes)
            if written == bytes.count { return }
            if closed { return }
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[written...]))
        } else {
            pending.append(contentsOf: bytes)
        }
        armWrite()
        if pending.count - pendingStart > highWatermark && !readSuspended && !inputEnded {
            readSuspended = true
            pauseReading()
        }
    }

    /// Bytes queued for a slow reader.
    public var pendingBytes: Int { pending.count - pendingStart }

    /// Stops reading, writes what is queued, then closes. Safe to call twice.
    public func closeAfterFlush() {
        queue.async { [self] in
            if sawEndOfInput && !inputEnded { endInput() }
            closing = true
            if pendingBytes == 0 { teardown() } else { armWrite() }
        }
    }

    /// Whether reading is paused by backpressure (exposed for tests and metrics).
    public var isReadPaused: Bool { readSuspended }

    private func endInput() {
        guard !inputEnded else { return }
        inputEnded = true
        // At EOF the descriptor stays readable forever: stop the source or it spins.
        cancelReading()
        delegate?.connectionReachedEndOfInput(self)
        closing = true
        if pendingBytes == 0 { teardown() } else { armWrite() }
    }

    private func writeNow(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count {
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch try? Syscalls.write(fd, from: chunk) {
            case .bytes(let n)?: offset += n
            case .wouldBlock?: return offset
            case .endOfFile?, nil:
                // The peer is gone: nothing more can be delivered.
                teardown()
                return offset
            }
        }
        return offset
    }

    private func flushPending() {
        guard !closed else { return }
        let written = pending.withUnsafeBytes { all in
            writeNow(UnsafeRawBufferPointer(rebasing: all[pendingStart...]))
        }
        guard !closed else { return }
        pendingStart += written
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
            pendingStart = 0
            disarmWrite()
            if closing { teardown(); return }
        } else if pendingStart > 1 << 20 {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        if readSuspended && pendingBytes < lowWatermark {
            readSuspended = false
            resumeReading()
        }
    }

    private func armWrite() {
        guard !writeArmed else { return }
        writeArmed = true
        if writeActivated {
            writeSource.resume()
        } else {
            writeActivated = true
            writeSource.activate()
        }
    }

    private func disarmWrite() {
        guard writeArmed else { return }
        writeArmed = false
        writeSource.suspend()
    }

    private func teardown() {
        guard !closed else { return }
        closed = true
        pending = []
        pendingStart = 0
        // A suspended source never runs its cancel handler: balance first.
        if readSuspended {
            readSuspended = false
            if let readSource { readSource.resume() }
        }
        armWrite()
        cancelReading()
        writeSource.cancel()
    }
}
