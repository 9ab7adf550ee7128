extension Evaluation {
    /// The thresholds every sweep uses: 0.05, 0.10, … 1.00.
    static let sweepThresholds = (1...20).map { Double($0) / 20 }

    /// Confusion at each swept threshold for (label, score) pairs, where a
    /// score of 0 means nothing fired. The points of the PR and ROC curves.
    static func sweep(_ scored: [(attack: Bool, score: Double)]) -> [SweepPoint] {
        sweepThresholds.map { threshold in
            var confusion = Confusion()
            for (attack, score) in scored { confusion.add(attack: attack, fired: score > 0 && score >= threshold) }
            return SweepPoint(threshold: threshold, truePositiveRate: confusion.truePositiveRate,
                              falsePositiveRate: confusion.falsePositiveRate, precision: confusion.precision)
        }
    }

    /// The lowest swept threshold whose false-positive rate is at most `rate`
    /// (the sweep is in increasing threshold order, and FPR only falls as the threshold rises).
    public static func lowestThreshold(in sweep: [SweepPoint], maximumFalsePositiveRate rate: Double) -> Double? {
        sweep.first { $0.falsePositiveRate <= rate }?.threshold
    }
}
