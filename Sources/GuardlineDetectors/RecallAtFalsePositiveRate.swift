/// Recall at a fixed benign false-positive rate, with a percentile-bootstrap
/// confidence interval: "how many attacks does the detector catch when its
/// threshold is set so that it fires on at most 1 % of benign traffic?".
///
/// The threshold is read off the benign pool: with `n` benign scores and a
/// target rate `r`, `k = ⌊r·n⌋` benign events may fire, so the detector fires
/// on scores strictly above the `(k+1)`-th highest benign score (the cut), and
/// never on a score of 0 (nothing fired). Ties at the cut therefore never fire,
/// which keeps the achieved rate at or under the target.
///
/// Scores come in folds. Each fold is one model's view: its scores for one
/// group of attacks and for the whole pool (index-aligned across folds, since
/// the pool is the same events). A single evaluation has one model, so its
/// folds share pool scores and differ by attack source; leave-one-source-out
/// has one model per held-out source. The pooled recall counts every attack
/// once, at its own fold's cut.
///
/// The interval resamples, in each of `replicates` rounds, the pool (once,
/// shared by all folds, so the folds' cuts move together) and each fold's
/// attacks, with replacement, and recomputes the cuts and recalls. The bounds
/// are the replicate recalls at sorted positions ⌊0.025·B⌋ and ⌈0.975·B⌉−1.
/// Draws come from `SplitMix64(seed:)` in a fixed order (pool indices, then
/// each fold's attack indices, fold by fold, replicate by replicate), so a
/// seed gives the same interval on every machine.
public struct RecallAtFalsePositiveRate: Sendable, Equatable {
    public struct Fold: Sendable {
        public var name: String
        public var attackScores: [Double]
        /// This fold's scores of the benign pool; every fold has the same count.
        public var poolScores: [Double]

        public init(name: String, attackScores: [Double], poolScores: [Double]) {
            self.name = name
            self.attackScores = attackScores
            self.poolScores = poolScores
        }
    }

    public struct Estimate: Sendable, Equatable {
        public var recall: Double
        public var lower: Double
        public var upper: Double
        public var attacks: Int
        public var detected: Int
    }

    public var targetRate: Double
    public var poolSize: Int
    /// Benign events allowed to fire: ⌊targetRate · poolSize⌋.
    public var allowedFalsePositives: Int
    public var pooled: Estimate
    /// Per fold, in the order given.
    public var folds: [(name: String, cut: Double, achievedRate: Double, estimate: Estimate)]

    public static func == (a: Self, b: Self) -> Bool {
        a.targetRate == b.targetRate && a.poolSize == b.poolSize && a.pooled == b.pooled
            && a.folds.map(\.name) == b.folds.map(\.name) && a.folds.map(\.cut) == b.folds.map(\.cut)
            && a.folds.map(\.estimate) == b.folds.map(\.estimate)
    }

    /// Nil when there is no pool or no attack at all.
    public static func estimate(folds: [Fold], targetRate: Double, replicates: Int = 1000,
                                seed: UInt64 = 1) -> RecallAtFalsePositiveRate? {
        guard let poolSize = folds.first?.poolScores.count, poolSize > 0,
              folds.allSatisfy({ $0.poolScores.count == poolSize }),
              folds.contains(where: { !$0.attackScores.isEmpty }) else { return nil }
        let allowed = Int((targetRate * Double(poolSize)).rounded(.down))
        // Pool indices by descending score, per fold: a replicate's cut is found by walking this order.
        let orders = folds.map { fold in fold.poolScores.indices.sorted { fold.poolScores[$0] > fold.poolScores[$1] } }
        let unit = [Int](repeating: 1, count: poolSize)

        var perFold: [(name: String, cut: Double, achievedRate: Double, estimate: Estimate)] = []
        var totalDetected = 0, totalAttacks = 0
        for (index, fold) in folds.enumerated() {
            let cut = Self.cut(scores: fold.poolScores, order: orders[index], counts: unit, allowed: allowed)
            let detected = fold.attackScores.filter { $0 > cut }.count
            let falsePositives = fold.poolScores.filter { $0 > cut }.count
            perFold.append((fold.name, cut, Double(falsePositives) / Double(poolSize),
                            Estimate(recall: ratio(detected, fold.attackScores.count), lower: 0, upper: 0,
                                     attacks: fold.attackScores.count, detected: detected)))
            totalDetected += detected
            totalAttacks += fold.attackScores.count
        }

        var random = SplitMix64(seed: seed)
        var pooledReplicates: [Double] = []
        var foldReplicates = [[Double]](repeating: [], count: folds.count)
        var counts = [Int](repeating: 0, count: poolSize)
        for _ in 0..<max(0, replicates) {
            for i in counts.indices { counts[i] = 0 }
            for _ in 0..<poolSize { counts[Int(random.next() % UInt64(poolSize))] += 1 }
            var detected = 0
            for (index, fold) in folds.enumerated() {
                let cut = Self.cut(scores: fold.poolScores, order: orders[index], counts: counts, allowed: allowed)
                var hits = 0
                for _ in fold.attackScores.indices where fold.attackScores[Int(random.next() % UInt64(fold.attackScores.count))] > cut {
                    hits += 1
                }
                detected += hits
                if !fold.attackScores.isEmpty { foldReplicates[index].append(ratio(hits, fold.attackScores.count)) }
            }
            pooledReplicates.append(ratio(detected, totalAttacks))
        }
        for index in perFold.indices {
            (perFold[index].estimate.lower, perFold[index].estimate.upper) = bounds(foldReplicates[index], fallback: perFold[index].estimate.recall)
        }
        var pooled = Estimate(recall: ratio(totalDetected, totalAttacks), lower: 0, upper: 0, attacks: totalAttacks, detected: totalDetected)
        (pooled.lower, pooled.upper) = bounds(pooledReplicates, fallback: pooled.recall)
        return RecallAtFalsePositiveRate(targetRate: targetRate, poolSize: poolSize, allowedFalsePositives: allowed,
                                         pooled: pooled, folds: perFold)
    }

    /// The score above which a fold fires: the `(allowed+1)`-th highest pool score counting each pool event
    /// `counts[i]` times, or 0 when the whole pool may fire; never below 0, since 0 means nothing fired.
    static func cut(scores: [Double], order: [Int], counts: [Int], allowed: Int) -> Double {
        var seen = 0
        for index in order {
            seen += counts[index]
            if seen > allowed { return max(0, scores[index]) }
        }
        return 0
    }

    static func bounds(_ replicates: [Double], fallback: Double) -> (Double, Double) {
        guard !replicates.isEmpty else { return (fallback, fallback) }
        let sorted = replicates.sorted()
        let count = sorted.count
        // Integer arithmetic: 0.975 · B in floating point can land a hair either side of a whole number.
        let low = min(count - 1, 25 * count / 1000)
        let high = max(0, min(count - 1, (975 * count + 999) / 1000 - 1))
        return (sorted[low], sorted[high])
    }

    private static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
