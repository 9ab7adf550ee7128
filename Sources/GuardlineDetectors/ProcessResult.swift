/// One successful reply of a detector process: `{"seq":N,"score":…,"labels":[…],"evidence":"…"}`.
public struct ProcessResult: Sendable, Equatable {
    /// In [0, 1]; a reply with a score outside that range counts as an error.
    public let score: Double
    public let labels: [String]
    /// Free text the process chose to report; empty when absent.
    public let evidence: String

    public init(score: Double, labels: [String], evidence: String) {
        self.score = score
        self.labels = labels
        self.evidence = evidence
    }
}
