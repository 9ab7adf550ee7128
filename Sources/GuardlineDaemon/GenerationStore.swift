import Synchronization

/// Holds the running generation. Workers read it once per read chunk; a
/// reload swaps it whole. The old generation is freed when the last chunk
/// holding a reference to it finishes (ARC does the in-flight accounting).
final class GenerationStore: Sendable {
    private let slot: Mutex<Generation>

    init(_ initial: Generation) { slot = Mutex(initial) }

    var current: Generation { slot.withLock { $0 } }

    func swap(_ next: Generation) -> Generation {
        slot.withLock { current in
            let old = current
            current = next
            return old
        }
    }
}
