import Foundation
import GuardlineEngine

/// The daemon's settings. Every key is defined once, in `ConfigKeys.all`,
/// with its type, bounds, default and whether a reload may change it.
public struct DaemonConfig: Sendable {
    /// Address of the main NDJSON listener.
    public var listen = "127.0.0.1:7878"
    /// `verdict` or `none` for the main listener.
    public var responses = "verdict"
    /// Optional second listener that never answers (for log shippers).
    public var ingestListen = ""
    public var database = "guardline-data/guardline.db"
    /// Directory of detector files; relative paths are resolved against the config file's directory.
    public var detectors = "detectors"
    public var workers = 1
    /// `off`, `on` or `auto` (on with 2 or more workers): whether workers'
    /// sockets are watched by a `ReadLoop` instead of Dispatch sources. Off by
    /// default: the loop pays off with thousands of active connections, while
    /// with a few busy ones sources give the shorter p99 (see `ReadLoop`).
    public var readLoop = "off"

    /// Whether `read_loop` resolves to on for this config.
    public var usesReadLoop: Bool {
        switch readLoop {
        case "on": true
        case "off": false
        default: workers >= 2
        }
    }
    public var maxLineBytes = 1 << 20
    public var maxPendingReplyBytes = 4 << 20
    public var metricsListen = "127.0.0.1:9464"
    /// Unix socket for `guardline reload` / `status`; empty: `guardline.sock` next to the database.
    public var controlSocket = ""
    /// Reload when the config file or a detector file changes (inotify).
    public var watch = true
    public var logLevel = "info"
    public var maxAccounts = 1_000_000
    public var accountShards = 64
    public var idleTTL = 6 * 3600.0
    public var checkpointInterval = 5.0
    public var storeBatchRows = 2000
    public var storeFlushInterval = 0.1
    /// Rows waiting for SQLite beyond which ingestion pauses (nothing accepted is dropped).
    public var storeMaxPendingRows = 1_000_000
    /// Sampled recording of incoming events; empty directory disables it.
    public var recordDirectory = ""
    public var recordSampleRate = 0.01
    public var recordMaxFileBytes = 64 << 20
    public var recordMaxFiles = 10
    public var policy = RiskPolicy()
    public var orgPolicy = OrgPolicy()

    // Connection and buffer limits.

    // Identity and time of events.

    // TLS and client authentication.

    // File trust, data protection and retention.

    /// Where the config came from (nil: built-in defaults).
    public var sourcePath: String?

    public init() {}

    /// The control socket path in force: the configured one, else beside the database.
    public var resolvedControlSocket: String {
        if !controlSocket.isEmpty { return controlSocket }
        let directory = (database as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/guardline.sock"
    }
}
