import GuardlineDetectors

/// A velocity detector: fires when `count` events of `metric` fall within `window` seconds.
public struct VelocityRule: Sendable {
    /// Index of the detector in the generation's detector table (for names, versions and counters).
    public var detector: Int
    public var metric: VelocityMetric
    public var count: Int
    public var window: Double
    public var score: Double
    public var severity: SignalSeverity
    public var enforcing: Bool

    public init(detector: Int, metric: VelocityMetric, count: Int, window: Double, score: Double,
                severity: SignalSeverity, enforcing: Bool) {
        self.detector = detector
        self.metric = metric
        self.count = max(1, count)
        self.window = window
        self.score = score
        self.severity = severity
        self.enforcing = enforcing
    }
}

/// A cross-account detector: the same case-folded user text sent by `accounts`
/// distinct accounts of one organisation within `window` seconds.
public struct CrossAccountRule: Sendable {
    public var detector: Int
    public var accounts: Int
    public var window: Double
    public var minTextLength: Int
    /// Count only texts on which an enforcing content (rules) detector fired.
    public var requireSignal: Bool
    public var score: Double
    public var severity: SignalSeverity
    public var enforcing: Bool

    public init(detector: Int, accounts: Int, window: Double, minTextLength: Int, requireSignal: Bool = true,
                score: Double, severity: SignalSeverity, enforcing: Bool) {
        self.requireSignal = requireSignal
        self.detector = detector
        self.accounts = max(2, accounts)
        self.window = window
        self.minTextLength = minTextLength
        self.score = score
        self.severity = severity
        self.enforcing = enforcing
    }
}
