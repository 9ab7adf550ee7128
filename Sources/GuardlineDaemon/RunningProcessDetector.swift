import Dispatch
import GuardlineDetectors

/// A started out-of-process detector, shared by every generation whose spec
/// for it is unchanged, so a reload does not restart a child (and reload its
/// model) when nothing about it changed.
///
/// Generations hold it; workers hold their generation for the whole chunk. So
/// the last release happens only after every event that might still ask the
/// child has finished, and `deinit` is where the child stops. `stop()` can
/// wait up to a second for a child that ignores SIGTERM, so it runs off the
/// releasing thread (often a worker picking up a new generation).
final class RunningProcessDetector: Sendable {
    /// Identity for reuse across reloads: same name, same file bytes, same settings.
    struct Key: Hashable, Sendable {
        let name: String
        let fileHash: String
        let spec: ProcessSpec
    }

    let key: Key
    let detector: ProcessDetector

    /// How long a new child may take to answer its first request before the
    /// generation is swapped in anyway (then deadlines protect the hot path).
    static let startupTimeout = 5.0

    /// Starts the child and waits (off the hot path: this runs while a
    /// generation is built) until it answers, so the first chunks after a
    /// reload do not each wait out the deadline on a child still starting.
    /// Throws when the child cannot be spawned at all.
    init(key: Key) throws(ProcessDetectorError) {
        self.key = key
        detector = ProcessDetector(configuration: key.spec.configuration(name: key.name))
        try detector.start()
        ready = detector.awaitReady(timeout: Self.startupTimeout)
    }

    /// Whether the child answered its readiness probe within `startupTimeout`.
    let ready: Bool

    deinit {
        let detector = self.detector
        DispatchQueue.global().async { detector.stop() }
    }
}

/// A process detector of one generation: where its hits go and when it fires.
struct ProcessDetectorSlot: Sendable {
    /// Index in `Generation.detectors`.
    let detector: Int
    let running: RunningProcessDetector
    let threshold: Double
    /// Labels for a reply that names none.
    let labels: [String]
}
