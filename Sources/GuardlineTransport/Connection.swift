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
/// sources and the bytes not yet written.
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
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
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

    public init(fd: Int32, id: UInt64, queue: DispatchQueue, highWatermark: Int = 4 << 20, lowWatermark: Int = 1 << 20) {
        self.fd = fd
        self.id = id
        self.queue = queue
        self.highWatermark = highWatermark
        self.lowWatermark = lowWatermark
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        _ = try? Syscalls.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
    }

    /// Starts reading. The connection keeps itself alive until it is closed.
    public func start() {
        readSource.setEventHandler { [self] in
            guard !closed, !inputEnded else { return }
            delegate?.connectionReadable(self)
            // End of input is reported after the delegate's read returns, never
            // from inside `read`: the delegate may be mid-way through its buffers.
            if sawEndOfInput { endInput() }
        }
        writeSource.setEventHandler { [self] in flushPending() }
        let onCancel: () -> Void = { [self] in
            cancelledSources += 1
            if cancelledSources == 2 {
                Syscalls.close(fd)
                delegate?.connectionClosed(self)
                delegate = nil
            }
        }
        readSource.setCancelHandler(handler: onCancel)
        writeSource.setCancelHandler(handler: onCancel)
        readSource.activate()
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
            readSource.suspend()
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
        readSource.cancel()
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
            readSource.resume()
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
        if readSuspended { readSuspended = false; readSource.resume() }
        armWrite()
        readSource.cancel()
        writeSource.cancel()
    }
}
