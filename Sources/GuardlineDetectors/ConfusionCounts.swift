/// A confusion matrix of a detector on labelled events, and the rates read
/// from it. One type for `guardline eval` (per detector, overall, per
/// category) and `guardline train` (held-out and evaluated sets).
public struct ConfusionCounts: Sendable, Equatable {
    public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0

    public init() {}

    public var truePositiveRate: Double { ratio(truePositives, truePositives + falseNegatives) }
    public var falsePositiveRate: Double { ratio(falsePositives, falsePositives + trueNegatives) }
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    public var f1: Double {
        let p = precision, r = truePositiveRate
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// Counts one event: whether it was an attack and whether the detector fired.
    public mutating func add(attack: Bool, fired: Bool) {
        switch (attack, fired) {
        case (true, true): truePositives += 1
        case (true, false): falseNegatives += 1
        case (false, true): falsePositives += 1
        case (false, false): trueNegatives += 1
        }
    }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
