/// What a native plugin found in one event, copied out of plugin-owned memory.
public struct NativePluginScore: Sendable, Equatable {
    /// In [0, 1]; 0 means the plugin found nothing.
    public let score: Double
    /// Labels such as `prompt-injection`; empty when `score` is 0.
    public let labels: [String]
    /// A short excerpt explaining the score (at most 256 bytes); empty when `score` is 0.
    public let evidence: String

    public init(score: Double, labels: [String], evidence: String) {
        self.score = score
        self.labels = labels
        self.evidence = evidence
    }

    /// The result of an event the plugin found nothing in. Building it
    /// allocates nothing: empty arrays and strings share static storage.
    public static let nothing = NativePluginScore(score: 0, labels: [], evidence: "")
}
