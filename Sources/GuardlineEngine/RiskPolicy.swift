/// How signals turn into account risk and flags. Values come from the
/// `policy:` section of the config; the Configuration article documents each key.
public struct RiskPolicy: Sendable, Equatable {
    /// Seconds for an account's risk to halve when nothing new fires.
    public var halfLife: Double
    /// Risk at or above which an account is flagged.
    public var flagThreshold: Double
    /// Risk added per unit of signal score, by severity (low, medium, high, critical).
    public var severityWeights: [Double]
    /// A `severity: critical` detector flags its account at once.
    public var criticalFlagsImmediately: Bool
    /// An already-flagged account's flag row is refreshed at most this often (seconds).
    public var reflagInterval: Double

    public init(halfLife: Double = 3600, flagThreshold: Double = 3.0,
                severityWeights: [Double] = [0.25, 0.5, 1.0, 2.0],
                criticalFlagsImmediately: Bool = true, reflagInterval: Double = 60) {
        precondition(severityWeights.count == 4, "one weight per severity")
        self.halfLife = halfLife
        self.flagThreshold = flagThreshold
        self.severityWeights = severityWeights
        self.criticalFlagsImmediately = criticalFlagsImmediately
        self.reflagInterval = reflagInterval
    }

    /// Risk decayed over `elapsed` seconds.
    @inlinable public func decay(_ risk: Double, elapsed: Double) -> Double {
        guard elapsed > 0, risk > 0 else { return risk }
        return risk * exp2(-elapsed / halfLife)
    }
}

/// When an organisation is flagged.
public struct OrgPolicy: Sendable, Equatable {
    /// An organisation is flagged once this many of its accounts are flagged.
    public var flaggedAccounts: Int

    public init(flaggedAccounts: Int = 3) { self.flaggedAccounts = flaggedAccounts }
}

/// Severity of a detector, ordered; used to pick the risk weight.
public enum SignalSeverity: Int, Sendable, Comparable {
    case low = 0, medium, high, critical
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
