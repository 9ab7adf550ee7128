import GuardlineProtocol

/// Settings of a `kind: learned` detector: the model file (`guardline
/// train`), the score at which it fires, its labels, and which roles it reads.
public struct LearnedSpec: Sendable {
    /// Absolute, or relative to the working directory when the detector file was given relative.
    public let modelPath: String
    /// Nil: the model file's recommended threshold.
    public let threshold: Double?
    public let labels: [String]
    /// Roles scored; all when empty.
    public let roles: [Role]

    public init(modelPath: String, threshold: Double?, labels: [String], roles: [Role]) {
        self.modelPath = modelPath
        self.threshold = threshold
        self.labels = labels
        self.roles = roles
    }
}
