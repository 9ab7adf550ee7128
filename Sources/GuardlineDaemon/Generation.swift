import GuardlineDetectors
import GuardlineEngine

/// One detector as the daemon runs it (for `status`, metrics and signal rows).
public struct DetectorInfo: Sendable {
    public var name: String
    public var version: String
    public var kind: String
    public var mode: String
    public var severity: SignalSeverity
    public var fileHash: String
    public var labels: [String]
    public var enforcing: Bool { mode == "enforce" }
}

/// A loaded native plugin detector of a generation; workers make one context each.
public struct NativeDetector: Sendable {
    /// Index in `Generation.detectors`.
    public let detector: Int
    public let plugin: NativePlugin
    public let threshold: Double
}

/// An immutable snapshot of everything that decides verdicts: the config,
/// the compiled rules and the behavioural detectors. Built completely off the
/// hot path, validated, then swapped in whole (build, validate, swap); events
/// finish on the generation they started on.
public final class Generation: Sendable {
    public let number: UInt64
    public let config: DaemonConfig
    public let ruleEngine: RuleEngine
    public let behaviour: BehaviourRules
    /// Every detector of the generation, rule detectors first in `RuleEngine` order.
    public let detectors: [DetectorInfo]
    /// Native plugin detectors, scored after the rules on every event.
    public let natives: [NativeDetector]
    /// Learned (linear model) detectors, scored after the natives.
    public let learned: [LearnedDetector]
    /// Detector name → index in `detectors` (to count behavioural hits, which carry names).
    let detectorIndex: [String: Int]
    /// Indices of the rules detectors (they share one Vectorscan scan).
    let ruleDetectors: [Int]
    /// Whether any detector runs in shadow mode (then shadow evaluation runs).
    let hasShadowDetectors: Bool
    /// Out-of-process detectors, asked once per read chunk; holding them here
    /// keeps their children running while any worker still uses this generation.
    let processes: [ProcessDetectorSlot]
    /// Per detector: whether it counts its own calls (native plugins, process
    /// detectors, and learned detectors, which skip the roles they do not
    /// read) instead of being counted once per event.
    let countsOwnCalls: [Bool]

    init(number: UInt64, config: DaemonConfig, ruleEngine: RuleEngine, behaviour: BehaviourRules, detectors: [DetectorInfo],
         natives: [NativeDetector] = [], learned: [LearnedDetector] = [], processes: [ProcessDetectorSlot] = []) {
        self.natives = natives
        self.learned = learned
        self.processes = processes
        detectorIndex = Dictionary(detectors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        ruleDetectors = detectors.indices.filter { detectors[$0].kind == "rules" }
        hasShadowDetectors = detectors.contains { !$0.enforcing }
        var countsOwnCalls = Array(repeating: false, count: detectors.count)
        for native in natives { countsOwnCalls[native.detector] = true }
        for detector in learned { countsOwnCalls[detector.detector] = true }
        for process in processes { countsOwnCalls[process.detector] = true }
        self.countsOwnCalls = countsOwnCalls
        self.number = number
        self.config = config
        self.ruleEngine = ruleEngine
        self.behaviour = behaviour
        self.detectors = detectors
    }
}
