/// One detector, as declared by one YAML file in `config/detectors/`.
///
/// Definitions are plain immutable values: the catalog builds them, the
/// `RuleEngine` compiles the `rules` ones, and the engine evaluates the
/// `velocity` and `crossAccount` ones over account and org state.
///
/// ## File format
///
/// One detector per file, `*.yaml` or `*.yml`. Unknown keys are an error (so a
/// typo never silently disables a setting) and every error names
/// `file:line:column` of the offending node.
///
/// ```yaml
/// name: prompt-injection          # required, unique across files, [a-z0-9._-]+
/// version: 1.2.0                  # required string
/// description: Instructions ...   # required
/// kind: rules                     # rules (default) | velocity | cross_account | native | learned | process
/// mode: enforce                   # enforce (default) | shadow: hits are recorded, never acted on
/// severity: high                  # required: low | medium | high | critical
/// fields: [text, tool_calls.arguments]  # rules: fields to scan: text, tool_calls.name,
///                                 #   tool_calls.arguments (default [text])
/// roles: [user, tool]             # optional: only events of these roles (default: all roles)
/// scoring:
///   method: noisy_or              # max | sum (capped at 1) | noisy_or (1 - prod(1 - w)); default noisy_or
///   threshold: 0.5                # fires when score >= threshold; default 0.5, 0 < threshold <= 1
/// patterns:                       # rules: at least one
///   - id: ignore-previous         # optional, default "<name>#<index>" (index from 0); unique per detector
///     regex: '(?:ignore|disregard)\s+(?:all\s+)?(?:previous|prior)\s+instructions'
///     weight: 0.8                 # 0 < weight <= 1, default 1
///     labels: [instruction_override]
///     case_sensitive: false       # default false
///     utf8: false                 # default false: match bytes; true adds HS_FLAG_UTF8 | HS_FLAG_UCP
///     fields: [text]              # optional per-pattern override of the detector's fields
///   - literal: "DAN mode"         # exactly one of regex / literal; a literal is matched as-is
///     weight: 0.6
///     labels: [dan]
/// ```
///
/// Regexes use the Vectorscan (Hyperscan) dialect: PCRE syntax without
/// back-references or look-around, and a pattern that can match the empty
/// string is rejected. Without `utf8: true` matching is byte-wise, so a
/// non-ASCII character is written as its UTF-8 bytes (`\xE2\x80\x8B`) and
/// `case_sensitive: false` folds ASCII letters only. `.` does not match a
/// newline.
///
/// `kind: velocity` (evaluated by the engine over one account's recent events):
/// ```yaml
/// metric: refusals                # refusals | flagged_events | events
/// count: 5                        # fires when at least `count` in the window (>= 1)
/// window: 10m                     # duration: <number>s | <number>m | <number>h
/// score: 0.7                      # 0 < score <= 1
/// labels: [refusal_probing]
/// ```
///
/// `kind: native` (a shared library implementing `guardline_plugin.h`):
/// ```yaml
/// path: plugins/libkeywords.so      # relative to this file; must not be group/other-writable
/// threshold: 0.5                  # fires when the plugin's score >= threshold (default 0.5)
/// config:                         # any YAML; handed to the plugin's init as JSON
///   phrases: [exfiltrate, "drop table"]
/// ```
///
/// `kind: learned` (a linear model trained by `guardline train`):
/// ```yaml
/// model: prompt-attack.glm        # relative to this file
/// threshold: 0.9                  # optional; default: the model's recommended threshold
/// labels: [learned_attack]
/// roles: [user, tool]             # optional: only these roles (default: all)
/// ```
///
/// `kind: process` (a child program scored over NDJSON pipes, see `ProcessDetector`):
/// ```yaml
/// command: [python3, ../plugins/example_classifier.py]  # run in this file's directory
/// deadline: 50ms                  # one deadline per read chunk (default 50ms)
/// threshold: 0.5                  # fires when the child's score >= threshold (default 0.5)
/// max_in_flight: 1024             # requests awaiting replies before more are refused
/// restart_backoff: 100ms          # first restart delay after a death, doubling to 5s
/// breaker: {failures: 20, window: 10s, open_for: 30s}
/// labels: [data-exfiltration]     # used when a reply carries no labels
/// ```
///
/// `kind: cross_account` (the same case-folded user text from many accounts of one
/// org within a window):
/// ```yaml
/// accounts: 5                     # distinct accounts (>= 2)
/// window: 15m
/// min_text_length: 40             # shorter texts are ignored (default 0)
/// require_signal: true            # count only texts an enforcing content detector fired on (default true)
/// score: 0.8
/// labels: [coordinated]
/// ```
public struct DetectorDefinition: Sendable {
    public let name: String
    public let version: String
    public let description: String
    public let kind: DetectorKind
    public let mode: DetectorMode
    public let severity: Severity
    /// Path the definition was loaded from, as given to the catalog.
    public let sourcePath: String
    /// FNV-1a 64-bit hash of the file bytes as 16 lowercase hex digits: lets a
    /// reload report which detectors actually changed.
    public let fileHash: String

    public init(
        name: String, version: String, description: String, kind: DetectorKind,
        mode: DetectorMode, severity: Severity, sourcePath: String, fileHash: String
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.kind = kind
        self.mode = mode
        self.severity = severity
        self.sourcePath = sourcePath
        self.fileHash = fileHash
    }

    /// FNV-1a 64-bit of `bytes` as 16 lowercase hex digits. Not a security
    /// hash: it only has to tell two versions of a file apart.
    public static func fileHash<Input: Sequence<UInt8>>(of bytes: Input) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// What a detector evaluates, with the settings of that kind.
public enum DetectorKind: Sendable {
    case rules(RuleSpec)
    case velocity(VelocitySpec)
    case crossAccount(CrossAccountSpec)
    case native(NativeSpec)
    case learned(LearnedSpec)
    case process(ProcessSpec)

    /// The `kind:` spelling in files.
    public var name: String {
        switch self {
        case .rules: "rules"
        case .velocity: "velocity"
        case .crossAccount: "cross_account"
        case .native: "native"
        case .learned: "learned"
        case .process: "process"
        }
    }
}

/// Whether a detector's hits count towards account risk (`enforce`) or are only
/// recorded for evaluation (`shadow`), so a new rule can be trialled on live
/// traffic without flagging anyone.
public enum DetectorMode: String, Sendable, CaseIterable {
    case enforce
    case shadow
}

/// How bad a hit is; ordered so policies can compare (`severity >= .high`).
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case low, medium, high, critical

    var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
