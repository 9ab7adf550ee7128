import GuardlineProtocol

/// Settings of a `kind: rules` detector: which fields of which roles it reads,
/// its patterns, and how pattern weights combine into a score.
public struct RuleSpec: Sendable {
    /// Fields scanned by patterns that do not override `fields`.
    public let fields: [DetectorField]
    /// Roles whose events the detector reads; nil means every role.
    public let roles: Set<Role>?
    public let scoring: ScoringMethod
    /// The detector fires when its score is at least this.
    public let threshold: Double
    public let patterns: [RulePattern]

    public init(fields: [DetectorField], roles: Set<Role>?, scoring: ScoringMethod, threshold: Double, patterns: [RulePattern]) {
        self.fields = fields
        self.roles = roles
        self.scoring = scoring
        self.threshold = threshold
        self.patterns = patterns
    }

    /// Whether events of `role` are read at all.
    public func accepts(_ role: Role) -> Bool { roles?.contains(role) ?? true }
}

/// A part of an event a pattern can be matched against. Each field kind gets
/// its own Vectorscan database, so a pattern never sees a field it did not ask for.
public enum DetectorField: String, Sendable, CaseIterable {
    case text = "text"
    case toolCallName = "tool_calls.name"
    case toolCallArguments = "tool_calls.arguments"

    /// Dense index, used to address per-field tables.
    var index: Int {
        switch self {
        case .text: 0
        case .toolCallName: 1
        case .toolCallArguments: 2
        }
    }
}

/// How the weights of the patterns that matched combine into a detector score.
public enum ScoringMethod: String, Sendable, CaseIterable {
    /// The largest weight: one strong pattern decides.
    case max
    /// The sum of weights, capped at 1: weak signals add up linearly.
    case sum
    /// `1 - prod(1 - w)`: independent pieces of evidence, each raising the
    /// score less the closer it already is to 1.
    case noisyOr = "noisy_or"

    /// Combines `weights` (each in (0, 1]); an empty list scores 0.
    public func score<Weights: Sequence<Double>>(_ weights: Weights) -> Double {
        switch self {
        case .max:
            return weights.reduce(0) { Swift.max($0, $1) }
        case .sum:
            return Swift.min(1, weights.reduce(0, +))
        case .noisyOr:
            return 1 - weights.reduce(1) { $0 * (1 - $1) }
        }
    }
}

/// One regex or literal of a rules detector.
public struct RulePattern: Sendable {
    /// Unique within the detector; defaults to `<detector>#<index>`.
    public let id: String
    /// The Vectorscan expression; a `literal:` is stored already escaped.
    public let expression: String
    /// True when the file gave `literal:` rather than `regex:`.
    public let isLiteral: Bool
    public let weight: Double
    public let labels: [String]
    public let caseSensitive: Bool
    /// Adds HS_FLAG_UTF8 | HS_FLAG_UCP. Off by default: byte matching is faster
    /// and keeps `\w`/`\s` ASCII-only, which the shipped patterns assume.
    public let utf8: Bool
    /// Fields this pattern reads (the detector's, unless overridden).
    public let fields: [DetectorField]
    /// Position of the `regex:`/`literal:` value, so compile errors found later
    /// (by `RuleEngine`) still point into the file.
    public let line: Int
    public let column: Int

    public init(
        id: String, expression: String, isLiteral: Bool, weight: Double, labels: [String],
        caseSensitive: Bool, utf8: Bool, fields: [DetectorField], line: Int, column: Int
    ) {
        self.id = id
        self.expression = expression
        self.isLiteral = isLiteral
        self.weight = weight
        self.labels = labels
        self.caseSensitive = caseSensitive
        self.utf8 = utf8
        self.fields = fields
        self.line = line
        self.column = column
    }

    /// Escapes `literal` so Vectorscan matches it byte for byte: every byte that
    /// is not an ASCII letter or digit becomes `\xHH`.
    public static func escapeLiteral(_ literal: String) -> String {
        var escaped = ""
        for byte in literal.utf8 {
            let isDigit = byte >= 0x30 && byte <= 0x39
            let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if isDigit || isLetter {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += byte < 0x10 ? "\\x0\(hex)" : "\\x\(hex)"
            }
        }
        return escaped
    }
}
