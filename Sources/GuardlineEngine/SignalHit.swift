import GuardlineDetectors
/// One detector that fired on one event. Built only for detectors that fire,
/// so its strings cost nothing on the common, quiet path.
public struct SignalHit: Sendable {
    public var detector: String
    public var version: String
    public var score: Double
    public var severity: SignalSeverity
    /// Enforcing signals feed risk and flags; shadow signals are only recorded.
    public var enforcing: Bool
    public var labels: [String]
    public var evidence: String

    public init(detector: String, version: String, score: Double, severity: SignalSeverity,
                enforcing: Bool, labels: [String], evidence: String) {
        self.detector = detector
        self.version = version
        self.score = score
        self.severity = severity
        self.enforcing = enforcing
        self.labels = labels
        self.evidence = evidence
    }
}

/// The behavioural part of a generation: the policies plus the velocity and
/// cross-account detectors the engine evaluates itself.
///
/// A class, immutable once built: every event passes it to the engine, and
/// as a struct of seven arrays and policies each pass copied it (six retains
/// and releases per event, measured with callgrind), where a class reference
/// costs at most one.
public final class BehaviourRules: Sendable {
    public let policy: RiskPolicy
    public let orgPolicy: OrgPolicy
    public let velocity: [VelocityRule]
    public let crossAccount: [CrossAccountRule]
    /// Names and versions of the detectors referenced by `detector` indices above.
    public let detectorNames: [String]
    public let detectorVersions: [String]
    public let detectorLabels: [[String]]

    public init(policy: RiskPolicy = RiskPolicy(), orgPolicy: OrgPolicy = OrgPolicy(),
                velocity: [VelocityRule] = [], crossAccount: [CrossAccountRule] = [],
                detectorNames: [String] = [], detectorVersions: [String] = [], detectorLabels: [[String]] = []) {
        self.policy = policy
        self.orgPolicy = orgPolicy
        self.velocity = velocity
        self.crossAccount = crossAccount
        self.detectorNames = detectorNames
        self.detectorVersions = detectorVersions
        self.detectorLabels = detectorLabels
    }

    /// Largest `count` among velocity rules of `metric` (how many timestamps to keep).
    func depth(of metric: VelocityMetric) -> Int {
        velocity.lazy.filter { $0.metric == metric }.map(\.count).max() ?? 0
    }
}
