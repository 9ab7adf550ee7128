/// How one detector's scores spread over attack and benign events, in ten
/// bins of width 0.1: what shows whether a threshold sits in a gap between
/// the two populations or in the middle of them.
///
/// A content detector reports a score only when it fires (its score reached
/// its own threshold), so events it did not fire on are counted apart instead
/// of as a score of 0.
public struct ScoreHistogram: Sendable, Equatable {
    public static let binCount = 10

    /// `attackBins[i]` counts attack events scored in [i/10, (i+1)/10); the last bin includes 1.
    public private(set) var attackBins = [Int](repeating: 0, count: binCount)
    public private(set) var benignBins = [Int](repeating: 0, count: binCount)
    public private(set) var attackNotFired = 0
    public private(set) var benignNotFired = 0

    public init() {}

    /// The bin a score falls in. The small epsilon keeps 0.3 (0.29999… in
    /// binary) in the bin that starts at 0.3, where a reader expects it.
    public static func bin(of score: Double) -> Int {
        min(binCount - 1, max(0, Int((score * Double(binCount) + 1e-9).rounded(.down))))
    }

    /// Records one event; `score` 0 means the detector did not fire.
    public mutating func add(attack: Bool, score: Double) {
        if score <= 0 {
            if attack { attackNotFired += 1 } else { benignNotFired += 1 }
            return
        }
        if attack { attackBins[Self.bin(of: score)] += 1 } else { benignBins[Self.bin(of: score)] += 1 }
    }
}
