/// Quality of a scoring classifier on labelled events: the confusion counts
/// at one threshold, the area under the ROC curve, and the lowest threshold
/// that keeps the false-positive rate at or under a target.
@dynamicMemberLookup
public struct ClassifierMetrics: Sendable, Equatable {
    public var threshold: Double
    /// The confusion matrix at `threshold`; its counts and rates read as
    /// members of the metrics (`metrics.truePositiveRate`).
    public var counts = ConfusionCounts()
    /// Probability that a random attack scores above a random benign event (ties count half).
    public var areaUnderCurve: Double

    public subscript<Value>(dynamicMember keyPath: KeyPath<ConfusionCounts, Value>) -> Value { counts[keyPath: keyPath] }

    /// Counts at `threshold` (fires when score >= threshold) over `scored`.
    public init(scored: [(attack: Bool, score: Double)], threshold: Double) {
        self.threshold = threshold
        areaUnderCurve = Self.areaUnderCurve(scored)
        for (attack, score) in scored { counts.add(attack: attack, fired: score >= threshold) }
    }

    /// Mann–Whitney U over ranks, with tied scores sharing their mean rank.
    public static func areaUnderCurve(_ scored: [(attack: Bool, score: Double)]) -> Double {
        let sorted = scored.sorted { $0.score < $1.score }
        let positives = sorted.filter(\.attack).count, negatives = sorted.count - positives
        guard positives > 0, negatives > 0 else { return 0 }
        var rankSum = 0.0
        var start = 0
        while start < sorted.count {
            var end = start
            while end + 1 < sorted.count && sorted[end + 1].score == sorted[start].score { end += 1 }
            let meanRank = Double(start + end) / 2 + 1
            for index in start...end where sorted[index].attack { rankSum += meanRank }
            start = end + 1
        }
        return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }

    /// The lowest threshold at which at most `rate` of the benign events
    /// score at or above it: just above the benign score that would be one
    /// false positive too many. Nil without benign events.
    public static func threshold(forFalsePositiveRate rate: Double, _ scored: [(attack: Bool, score: Double)]) -> Double? {
        let benign = scored.filter { !$0.attack }.map(\.score).sorted(by: >)
        guard !benign.isEmpty else { return nil }
        let allowed = Int((rate * Double(benign.count)).rounded(.down))
        guard allowed < benign.count else { return 0 }
        return min(1, benign[allowed].nextUp)
    }
}
