/// Settings of a `kind: process` detector: the child's command line and how
/// long the hot path may wait for it. Turned into a
/// `ProcessDetectorConfiguration` when the daemon starts the child.
///
/// `Equatable` because a reload reuses a running child whose spec (and file
/// hash) did not change, instead of restarting a model that may take seconds
/// to load.
public struct ProcessSpec: Sendable, Equatable, Hashable {
    /// Program and arguments. A program written with a `/` but not absolute
    /// was resolved against the detector file's directory; a bare name
    /// (`python3`) is searched in `PATH`.
    public let command: [String]
    /// The child's working directory: the detector file's directory, so
    /// relative script arguments (`[python3, ../plugins/x.py]`) work from
    /// wherever the daemon was started.
    public let workingDirectory: String
    /// One deadline for a whole read chunk, in seconds.
    public let deadline: Double
    /// Fires when the child's score is at least this.
    public let threshold: Double
    public let maxInFlight: Int
    public let restartBackoff: Double
    public let breakerFailures: Int
    public let breakerWindow: Double
    public let breakerOpenDuration: Double
    /// Labels of a signal whose reply carried none.
    public let labels: [String]

    public init(command: [String], workingDirectory: String, deadline: Double = 0.05, threshold: Double = 0.5,
                maxInFlight: Int = 1024, restartBackoff: Double = 0.1, breakerFailures: Int = 20,
                breakerWindow: Double = 10, breakerOpenDuration: Double = 30, labels: [String] = []) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.deadline = deadline
        self.threshold = threshold
        self.maxInFlight = maxInFlight
        self.restartBackoff = restartBackoff
        self.breakerFailures = breakerFailures
        self.breakerWindow = breakerWindow
        self.breakerOpenDuration = breakerOpenDuration
        self.labels = labels
    }

    /// The runner's configuration for detector `name`.
    public func configuration(name: String) -> ProcessDetectorConfiguration {
        var configuration = ProcessDetectorConfiguration(
            name: name, command: command, deadline: deadline, maxInFlight: maxInFlight,
            restartBackoff: restartBackoff, breakerFailures: breakerFailures, breakerWindow: breakerWindow,
            breakerOpenDuration: breakerOpenDuration)
        configuration.workingDirectory = workingDirectory
        return configuration
    }
}
