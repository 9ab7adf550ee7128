import GuardlineEngine
import GuardlineProtocol

/// One config key: its dotted name, type and bounds, default, and whether a
/// running daemon picks up a change on reload (others need a restart).
struct ConfigKey: Sendable {
    enum Kind: Sendable {
        case string
        case address(allowEmpty: Bool)
        case choice([String])
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        case duration(ClosedRange<Double>)
        case boolean
    }

    enum Value {
        case string(String)
        case integer(Int)
        case number(Double)
        case boolean(Bool)

        var string: String { if case .string(let s) = self { return s }; return "" }
        var integer: Int { if case .integer(let i) = self { return i }; return 0 }
        var number: Double {
            switch self {
            case .number(let d): return d
            case .integer(let i): return Double(i)
            default: return 0
            }
        }
        var boolean: Bool { if case .boolean(let b) = self { return b }; return false }
    }

    let name: String
    let kind: Kind
    let defaultText: String
    let reloadable: Bool
    let summary: String
    let apply: @Sendable (inout DaemonConfig, Value) -> Void
}

enum ConfigKeys {
    static let all: [ConfigKey] = [
        ConfigKey(name: "listen", kind: .address(allowEmpty: false), defaultText: "127.0.0.1:7878", reloadable: false,
                  summary: "HOST:PORT of the NDJSON listener (port 0 picks a free port)") { $0.listen = $1.string },
        ConfigKey(name: "responses", kind: .choice(["verdict", "none"]), defaultText: "verdict", reloadable: false,
                  summary: "whether the main listener answers each line") { $0.responses = $1.string },
        ConfigKey(name: "ingest_listen", kind: .address(allowEmpty: true), defaultText: "", reloadable: false,
                  summary: "optional second listener with responses: none, for log shippers") { $0.ingestListen = $1.string },
        ConfigKey(name: "database", kind: .string, defaultText: "guardline-data/guardline.db", reloadable: false,
                  summary: "SQLite file (created with its directory if missing)") { $0.database = $1.string },
        ConfigKey(name: "detectors", kind: .string, defaultText: "detectors", reloadable: true,
                  summary: "directory of detector files, relative to the config file") { $0.detectors = $1.string },
        ConfigKey(name: "workers", kind: .integer(1...64), defaultText: "1", reloadable: false,
                  summary: "worker queues that parse and score events") { $0.workers = $1.integer },
        ConfigKey(name: "read_loop", kind: .choice(["off", "on", "auto"]), defaultText: "off", reloadable: false,
                  summary: "on: a thread per worker waits for its sockets in its own epoll set (auto: on with 2 or more workers)") {
            $0.readLoop = $1.string
        },
        ConfigKey(name: "max_line_bytes", kind: .integer(1024...(64 << 20)), defaultText: "1048576", reloadable: false,
                  summary: "longest accepted line; longer lines get line_too_long") { $0.maxLineBytes = $1.integer },
        ConfigKey(name: "max_pending_reply_bytes", kind: .integer(65536...(256 << 20)), defaultText: "4194304", reloadable: false,
                  summary: "unread reply bytes per connection before reading from it pauses") { $0.maxPendingReplyBytes = $1.integer },
        ConfigKey(name: "metrics_listen", kind: .address(allowEmpty: true), defaultText: "127.0.0.1:9464", reloadable: false,
                  summary: "HOST:PORT serving Prometheus /metrics; empty disables") { $0.metricsListen = $1.string },
        ConfigKey(name: "control_socket", kind: .string, defaultText: "", reloadable: false,
                  summary: "Unix socket (mode 0600) for guardline reload/status; empty: guardline.sock beside the database") { $0.controlSocket = $1.string },
        ConfigKey(name: "watch", kind: .boolean, defaultText: "true", reloadable: false,
                  summary: "reload when the config or a detector file changes (inotify on their directories)") { $0.watch = $1.boolean },
        ConfigKey(name: "log_level", kind: .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]),
                  defaultText: "info", reloadable: true, summary: "minimum log level") { $0.logLevel = $1.string },
        ConfigKey(name: "accounts.max_accounts", kind: .integer(1000...100_000_000), defaultText: "1000000", reloadable: false,
                  summary: "accounts kept in memory; beyond it the least recently seen are evicted") { $0.maxAccounts = $1.integer },
        ConfigKey(name: "accounts.shards", kind: .integer(1...4096), defaultText: "64", reloadable: false,
                  summary: "lock stripes of the account table") { $0.accountShards = $1.integer },
        ConfigKey(name: "accounts.idle_ttl", kind: .duration(60...(365 * 86400)), defaultText: "6h", reloadable: true,
                  summary: "an account unseen this long is evicted from memory (risk checkpointed)") { $0.idleTTL = $1.number },
        ConfigKey(name: "accounts.checkpoint_interval", kind: .duration(0.5...3600), defaultText: "5s", reloadable: false,
                  summary: "how often changed account risk is written to account_risk") { $0.checkpointInterval = $1.number },
        ConfigKey(name: "store.batch_rows", kind: .integer(1...100_000), defaultText: "2000", reloadable: false,
                  summary: "rows per SQLite transaction at most") { $0.storeBatchRows = $1.integer },
        ConfigKey(name: "store.flush_interval", kind: .duration(0.001...10), defaultText: "100ms", reloadable: false,
                  summary: "longest time a row waits before its batch is written") { $0.storeFlushInterval = $1.number },
        ConfigKey(name: "store.max_pending_rows", kind: .integer(1000...100_000_000), defaultText: "1000000", reloadable: false,
                  summary: "rows waiting for SQLite (disk full, locked) beyond which reading pauses instead of growing memory") { $0.storeMaxPendingRows = $1.integer },
        ConfigKey(name: "record.directory", kind: .string, defaultText: "", reloadable: false,
                  summary: "write a sample of incoming events to rotating NDJSON files here; empty disables") { $0.recordDirectory = $1.string },
        ConfigKey(name: "record.sample_rate", kind: .number(0...1), defaultText: "0.01", reloadable: false,
                  summary: "share of valid events recorded") { $0.recordSampleRate = $1.number },
        ConfigKey(name: "record.max_file_bytes", kind: .integer(4096...(16 << 30)), defaultText: "67108864", reloadable: false,
                  summary: "a recording file rotates at this size") { $0.recordMaxFileBytes = $1.integer },
        ConfigKey(name: "record.max_files", kind: .integer(1...100_000), defaultText: "10", reloadable: false,
                  summary: "newest recording files kept") { $0.recordMaxFiles = $1.integer },
        ConfigKey(name: "policy.half_life", kind: .duration(1...(365 * 86400)), defaultText: "1h", reloadable: true,
                  summary: "account risk halves after this long without new signals") { $0.policy.halfLife = $1.number },
        ConfigKey(name: "policy.flag_threshold", kind: .number(0.01...1e9), defaultText: "3", reloadable: true,
                  summary: "risk at which an account is flagged") { $0.policy.flagThreshold = $1.number },
        ConfigKey(name: "policy.severity_weights.low", kind: .number(0...1000), defaultText: "0.25", reloadable: true,
                  summary: "risk per unit score of a low-severity signal") { $0.policy.severityWeights[0] = $1.number },
        ConfigKey(name: "policy.severity_weights.medium", kind: .number(0...1000), defaultText: "0.5", reloadable: true,
                  summary: "risk per unit score of a medium-severity signal") { $0.policy.severityWeights[1] = $1.number },
        ConfigKey(name: "policy.severity_weights.high", kind: .number(0...1000), defaultText: "1", reloadable: true,
                  summary: "risk per unit score of a high-severity signal") { $0.policy.severityWeights[2] = $1.number },
        ConfigKey(name: "policy.severity_weights.critical", kind: .number(0...1000), defaultText: "2", reloadable: true,
                  summary: "risk per unit score of a critical signal") { $0.policy.severityWeights[3] = $1.number },
        ConfigKey(name: "policy.critical_flags_immediately", kind: .boolean, defaultText: "true", reloadable: true,
                  summary: "a critical detector flags its account at once") { $0.policy.criticalFlagsImmediately = $1.boolean },
        ConfigKey(name: "policy.reflag_interval", kind: .duration(0...86400), defaultText: "1m", reloadable: true,
                  summary: "a flagged account's row is refreshed at most this often") { $0.policy.reflagInterval = $1.number },
        ConfigKey(name: "org_policy.flagged_accounts", kind: .integer(1...1_000_000), defaultText: "3", reloadable: true,
                  summary: "an organisation is flagged when this many of its accounts are") { $0.orgPolicy.flaggedAccounts = $1.integer },
        // Connection and buffer limits.

        // Identity and time of events.

        // TLS and client authentication.

        // File trust, data protection and retention.

    ]

    static let byName: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
