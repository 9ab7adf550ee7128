import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One thread that waits for readable sockets in its own epoll set and runs
/// each socket's read handler on the owning serial queue, by `queue.sync`
/// from that thread.
///
/// Why not a `DispatchSourceRead` per socket: on Linux every source event
/// passes through Dispatch's manager thread, which waits in its own epoll set,
/// disarms the descriptor, wakes a pool thread to run the handler, and re-arms
/// the descriptor afterwards: two `epoll_ctl`, an eventfd write and a thread
/// wake-up for every chunk read. With this loop the thread that waits is the
/// thread that reads, and none of that is paid: it wins when many connections
/// each deliver a few events per read. With a few busy connections Dispatch
/// sources give the shorter latency tail, so the daemon's `read_loop` setting
/// is off by default (the daemon's Performance article has the measurements).
///
/// `queue.sync` keeps the queue the one owner of the worker's state: work
/// submitted to the queue (reloads, statistics, shutdown drains) still runs
/// serialised with the read handlers.
public final class ReadLoop: Sendable {
    /// The queue every handler runs on.
    public let queue: DispatchQueue
    private let epfd: Int32
    private let wakeFD: Int32
    private let handlers = Mutex<[UInt64: @Sendable () -> Void]>([:])
    private let stopped = Atomic<Bool>(false)
    /// The token of the wake-up eventfd; connection tokens must differ.
    static let wakeToken: UInt64 = 0

    /// Creates the epoll set and starts the loop's thread.
    public init(label: String, queue: DispatchQueue) throws(SocketError) {
        self.queue = queue
        epfd = try Syscalls.epollCreate()
        do {
            wakeFD = try Syscalls.eventFD()
        } catch {
            Syscalls.close(epfd)
            throw error
        }
        do {
            try Syscalls.epollAdd(epfd, wakeFD, token: Self.wakeToken)
        } catch {
            Syscalls.close(epfd)
            Syscalls.close(wakeFD)
            throw error
        }
        // A serial queue's block gets a thread of its own from Dispatch; it
        // blocks in epoll_wait for the loop's whole life.
        DispatchQueue(label: label).async { [self] in run() }
    }

    /// Starts watching `fd`: `handler` runs on `queue` whenever it is
    /// readable (level-triggered: again and again while data remains).
    func add(fd: Int32, token: UInt64, handler: @escaping @Sendable () -> Void) throws(SocketError) {
        precondition(token != Self.wakeToken, "token 0 is the loop's own")
        handlers.withLock { $0[token] = handler }
        do {
            try Syscalls.epollAdd(epfd, fd, token: token)
        } catch {
            _ = handlers.withLock { $0.removeValue(forKey: token) }
            throw error
        }
    }

    /// Stops watching `fd`. A readiness already collected for it is dropped:
    /// its handler is looked up by token just before it runs.
    func remove(fd: Int32, token: UInt64) {
        Syscalls.epollRemove(epfd, fd)
        _ = handlers.withLock { $0.removeValue(forKey: token) }
    }

    /// Descriptors watched now (for tests).
    public var watchedCount: Int { handlers.withLock { $0.count } }

    /// Ends the loop's thread, which then closes the epoll set. Call once no
    /// connection uses the loop any more. Safe to call twice.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        Syscalls.signal(eventFD: wakeFD)
    }

    private func run() {
        let tokens = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 64)
        defer {
            tokens.deallocate()
            Syscalls.close(epfd)
            Syscalls.close(wakeFD)
        }
        while true {
            // epoll_wait fails only on a bad set or buffer, which would be a bug here.
            guard let count = try? Syscalls.epollWait(epfd, into: tokens) else { return }
            for token in tokens.prefix(count) {
                if token == Self.wakeToken {
                    if stopped.load(ordering: .acquiring) { return }
                    continue
                }
                guard let handler = handlers.withLock({ $0[token] }) else { continue }
                queue.sync(execute: handler)
            }
        }
    }
}
