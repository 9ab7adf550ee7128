/// Settings of a `kind: velocity` detector: too many events of one sort from
/// one account within a sliding window. The engine counts; this only describes.
public struct VelocitySpec: Sendable {
    public let metric: VelocityMetric
    /// Fires when at least this many counted events fall within the window.
    public let count: Int
    public let windowSeconds: Double
    public let score: Double
    public let labels: [String]

    public init(metric: VelocityMetric, count: Int, windowSeconds: Double, score: Double, labels: [String]) {
        self.metric = metric
        self.count = count
        self.windowSeconds = windowSeconds
        self.score = score
        self.labels = labels
    }
}

/// What a velocity detector counts.
public enum VelocityMetric: String, Sendable, CaseIterable {
    /// Events whose `meta.refusal` is true: probing for a way past refusals.
    case refusals
    /// Events on which any other detector fired.
    case flaggedEvents = "flagged_events"
    /// Every event: raw rate.
    case events
}

/// Settings of a `kind: cross_account` detector: the same case-folded user text sent
/// from many accounts of one org within a window (a coordinated spray that
/// stays under every per-account threshold).
public struct CrossAccountSpec: Sendable {
    /// Distinct accounts needed to fire.
    public let accounts: Int
    public let windowSeconds: Double
    /// Texts shorter than this (in bytes, after normalisation) are ignored:
    /// "hi" from fifty accounts is not coordination.
    public let minTextLength: Int
    /// Only texts on which an enforcing content detector fired are counted
    /// (the same *attack* spread over accounts). Off: any repeated text counts,
    /// which flags orgs whose product sends templated prompts.
    public let requireSignal: Bool
    public let score: Double
    public let labels: [String]

    public init(accounts: Int, windowSeconds: Double, minTextLength: Int, requireSignal: Bool = true,
                score: Double, labels: [String]) {
        self.requireSignal = requireSignal
        self.accounts = accounts
        self.windowSeconds = windowSeconds
        self.minTextLength = minTextLength
        self.score = score
        self.labels = labels
    }
}
