import GuardlineTransport
import Histogram
#if canImport(Glibc)
import Glibc
#endif

/// Drives a daemon over loopback with pipelined connections from one thread
/// and measures per-event latency (send to verdict) in a HDR histogram.
///
/// Each connection keeps `inFlight` events outstanding: every verdict read
/// releases one more event, so the offered load adapts to what the daemon
/// sustains (closed loop), as a production pipeline with a window would.
public struct LoadDriver {
    public struct Result {
        public var events: Int
        public var errors: Int
        public var seconds: Double
        public var histogram: Histogram<UInt64>
        public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
        /// Latency at percentile `p` (0–100), in milliseconds.
        public func percentile(_ p: Double) -> Double { Double(histogram.valueAtPercentile(p)) / 1000 }
    }

    private struct Lane {
        let socket: ClientSocket
        var sendTimes: [UInt64]
        var head = 0
        var outstanding = 0
        var pending: [UInt8] = []
        var pendingStart = 0
        var atLineStart = true
        var lineIsError = false
        var prefix = 0
        var cursor: Int
    }

    public var connections: Int
    public var inFlight: Int
    public var pool: (bytes: [UInt8], offsets: [Int])

    public init(connections: Int, inFlight: Int, pool: (bytes: [UInt8], offsets: [Int])) {
        self.connections = max(1, connections)
        self.inFlight = max(1, inFlight)
        self.pool = pool
    }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Runs for `warmup` seconds unmeasured, then `duration` seconds measured.
    public func run(address: SocketAddress, warmup: Double, duration: Double) throws -> Result {
        var lanes: [Lane] = []
        for i in 0..<connections {
            let socket = try ClientSocket(connectingTo: address)
            socket.setNonBlocking(true)
            lanes.append(Lane(socket: socket, sendTimes: Array(repeating: 0, count: inFlight),
                              cursor: (i * 7919) % (pool.offsets.count - 1)))
        }
        var poll = PollSet(sockets: lanes.map(\.socket))
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var readBuffer = [UInt8](repeating: 0, count: 1 << 20)
        let start = Self.monotonicNanos()
        let measureFrom = start + UInt64(warmup * 1e9)
        let stopAt = measureFrom + UInt64(duration * 1e9)
        var measuredEvents = 0
        var errors = 0
        var sending = true
        for i in lanes.indices { fill(&lanes[i], now: start, sending: true) }
        while true {
            for i in lanes.indices { poll.wantWrite(i, lanes[i].pendingStart < lanes[i].pending.count) }
            let ready = try poll.wait(timeoutMilliseconds: 1000)
            let now = Self.monotonicNanos()
            if sending && now >= stopAt { sending = false }
            for i in lanes.indices {
                if ready[i].readable || ready[i].hangup {
                    let n = try readBuffer.withUnsafeMutableBytes { try lanes[i].socket.readSome(into: $0) }
                    guard let n else { throw LoadError.closedByServer }
                    if n > 0 {
                        let (replies, errs) = consume(&lanes[i], bytes: readBuffer, count: n, now: now,
                                                      record: now >= measureFrom && now < stopAt ? { histogram.record($0) } : nil)
                        if now >= measureFrom && now < stopAt { measuredEvents += replies; errors += errs }
                    }
                }
                fill(&lanes[i], now: now, sending: sending)
            }
            if !sending && lanes.allSatisfy({ $0.outstanding == 0 }) { break }
            if !sending && now > stopAt + 10_000_000_000 { throw LoadError.repliesMissing }
        }
        let measured = Double(min(Self.monotonicNanos(), stopAt) - measureFrom) / 1e9
        return Result(events: measuredEvents, errors: errors, seconds: measured, histogram: histogram)
    }

    /// Counts complete reply lines in a read and releases one slot per reply.
    ///
    /// Looks at the first three bytes of each line (an error reply starts
    /// `{"ok":false`, a verdict `{"id":`) and finds the line's end with
    /// `memchr`: the load generator shares the cores with the daemon it
    /// measures, so every instruction it spends per reply is taken from the
    /// daemon.
    private func consume(_ lane: inout Lane, bytes: [UInt8], count: Int, now: UInt64,
                         record: ((UInt64) -> Void)?) -> (Int, Int) {
        var replies = 0
        var errors = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var index = 0
            while index < count {
                if lane.atLineStart {
                    lane.prefix = 0
                    lane.lineIsError = false
                    lane.atLineStart = false
                }
                while lane.prefix < 3 && index < count && base[index] != 0x0A {
                    if lane.prefix == 2 && base[index] == UInt8(ascii: "o") { lane.lineIsError = true }
                    lane.prefix += 1
                    index += 1
                }
                guard index < count,
                      let newline = memchr(base + index, 0x0A, count - index)?.assumingMemoryBound(to: UInt8.self)
                else { break }  // the line continues in the next read
                index = UnsafePointer(newline) - base + 1
                lane.atLineStart = true
                replies += 1
                if lane.lineIsError { errors += 1 }
                let sentAt = lane.sendTimes[lane.head]
                lane.head = (lane.head + 1) % inFlight
                lane.outstanding -= 1
                record?(max(1, (now - sentAt) / 1000))
            }
        }
        return (replies, errors)
    }

    /// Tops the lane back up to `inFlight` outstanding events and writes what the socket takes.
    private func fill(_ lane: inout Lane, now: UInt64, sending: Bool) {
        if sending && lane.outstanding < inFlight {
            if lane.pendingStart == lane.pending.count {
                lane.pending.removeAll(keepingCapacity: true)
                lane.pendingStart = 0
            }
            while lane.outstanding < inFlight {
                let from = pool.offsets[lane.cursor], to = pool.offsets[lane.cursor + 1]
                lane.pending.append(contentsOf: pool.bytes[from..<to])
                lane.cursor = (lane.cursor + 1) % (pool.offsets.count - 1)
                lane.sendTimes[(lane.head + lane.outstanding) % inFlight] = now
                lane.outstanding += 1
            }
        }
        while lane.pendingStart < lane.pending.count {
            let written = lane.pending.withUnsafeBytes { raw in
                (try? lane.socket.writeSome(UnsafeRawBufferPointer(rebasing: raw[lane.pendingStart...]))) ?? 0
            }
            if written == 0 { break }
            lane.pendingStart += written
        }
    }

    public enum LoadError: Error, CustomStringConvertible {
        case closedByServer
        case repliesMissing
        public var description: String {
            switch self {
            case .closedByServer: "the daemon closed a benchmark connection"
            case .repliesMissing: "verdicts still missing 10 s after the load stopped"
            }
        }
    }
}
