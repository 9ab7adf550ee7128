/// How a `ProcessDetector` runs its child and when it gives up on it.
public struct ProcessDetectorConfiguration: Sendable {
    /// Detector name, used in diagnostics.
    public var name: String
    /// Program and arguments; the program is searched in `PATH`.
    public var command: [String]
    /// The child's whole environment; nil inherits the daemon's.
    public var environment: [String: String]?
    /// The child's working directory; nil inherits the daemon's.
    public var workingDirectory: String?
    /// One deadline shared by all requests of a batch, in seconds. The
    /// default suits a hot path that waits for the child inline.
    public var deadline: Double
    /// Requests that may await a reply at once; beyond it requests are
    /// refused (nil) rather than queued behind a slow child.
    public var maxInFlight: Int
    /// First delay before restarting a dead child; doubles per consecutive
    /// death up to `restartBackoffMaximum`, and resets after a good reply.
    public var restartBackoff: Double
    public var restartBackoffMaximum: Double
    /// Failures (timed-out batches, error or malformed replies, failed
    /// writes, deaths) within `breakerWindow` seconds that open the breaker.
    public var breakerFailures: Int
    public var breakerWindow: Double
    /// How long the breaker stays open before a half-open trial.
    public var breakerOpenDuration: Double
    /// Lines of the child's stderr kept for `lastError`.
    public var stderrLinesKept: Int

    public init(
        name: String,
        command: [String],
        environment: [String: String]? = nil,
        deadline: Double = 0.05,
        maxInFlight: Int = 1024,
        restartBackoff: Double = 0.1,
        restartBackoffMaximum: Double = 5,
        breakerFailures: Int = 20,
        breakerWindow: Double = 10,
        breakerOpenDuration: Double = 30,
        stderrLinesKept: Int = 20
    ) {
        precondition(!command.isEmpty, "a process detector needs a command")
        precondition(deadline > 0 && maxInFlight > 0 && breakerFailures > 0)
        self.name = name
        self.command = command
        self.environment = environment
        self.deadline = deadline
        self.maxInFlight = maxInFlight
        self.restartBackoff = restartBackoff
        self.restartBackoffMaximum = restartBackoffMaximum
        self.breakerFailures = breakerFailures
        self.breakerWindow = breakerWindow
        self.breakerOpenDuration = breakerOpenDuration
        self.stderrLinesKept = stderrLinesKept
    }
}
