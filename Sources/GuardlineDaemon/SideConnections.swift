import Dispatch
import GuardlineTransport
import Synchronization

/// Connections of the small side endpoints (metrics, control socket): each
/// accepted descriptor becomes a `Connection` on the endpoint's queue whose
/// delegate is kept alive here until the connection closes.
final class SideConnections: Sendable {
    private let table = Mutex<[UInt64: any ConnectionDelegate & Sendable]>([:])
    private let counter = Atomic<UInt64>(0)

    /// Adopts `fd`; `makeDelegate` receives the closure the delegate must call when its connection closes.
    func adopt(_ fd: Int32, queue: DispatchQueue,
               makeDelegate: (_ onClose: @escaping @Sendable () -> Void) -> any ConnectionDelegate & Sendable) {
        let id = counter.add(1, ordering: .relaxed).newValue
        let connection = Connection(fd: fd, id: id, queue: queue)
        let delegate = makeDelegate { [weak self] in self?.table.withLock { _ = $0.removeValue(forKey: id) } }
        connection.delegate = delegate
        table.withLock { $0[id] = delegate }
        connection.start()
    }
}
