/// Why an out-of-process detector could not start.
///
/// Kept apart from `DetectorError` (like `PluginError`) because its context is
/// a command line and an OS reason, not a detector file position. Failures
/// after start (timeouts, bad replies, child deaths) are not thrown: scoring
/// degrades to "no result" and they show in `ProcessDetector.statistics` and
/// `ProcessDetector.lastError`.
public enum ProcessDetectorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `pipe2` or `posix_spawnp` failed, for example because the program
    /// does not exist or is not executable.
    case spawnFailed(command: [String], reason: String)

    public var description: String {
        switch self {
        case .spawnFailed(let command, let reason):
            return "cannot start detector process \(command.joined(separator: " ")): \(reason)"
        }
    }
}
