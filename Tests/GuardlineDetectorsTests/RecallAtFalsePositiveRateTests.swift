import GuardlineDetectors
import XCTest

/// Recall at a fixed benign false-positive rate: the cut, the ties, and the seeded bootstrap interval, checked exactly.
final class RecallAtFalsePositiveRateTests: XCTestCase {
    private let twoHundredBenign = (0..<200).map { Double($0) / 200 }  // 0, 0.005, … 0.995

    func test_recallAtOnePercent_firesOnlyAboveTheThirdHighestOfTwoHundredBenignScores() throws {
        let fold = RecallAtFalsePositiveRate.Fold(name: "s", attackScores: [0.99, 0.985, 0.5, 1.0, 0.986], poolScores: twoHundredBenign)
        let point = try XCTUnwrap(RecallAtFalsePositiveRate.estimate(folds: [fold], targetRate: 0.01, replicates: 0))
        XCTAssertEqual(point.allowedFalsePositives, 2)
        XCTAssertEqual(point.folds[0].cut, 0.985, "two benign scores (0.995, 0.99) may fire; the third is the cut")
        XCTAssertEqual(point.folds[0].achievedRate, 0.01)
        XCTAssertEqual(point.pooled.detected, 3, "0.99, 1.0 and 0.986 are above the cut; 0.985 ties it and does not fire")
        XCTAssertEqual(point.pooled.recall, 0.6)
        XCTAssertEqual([point.pooled.lower, point.pooled.upper], [0.6, 0.6], "no bootstrap: the interval is the point")

        let strict = try XCTUnwrap(RecallAtFalsePositiveRate.estimate(folds: [fold], targetRate: 0.001, replicates: 0))
        XCTAssertEqual(strict.allowedFalsePositives, 0)
        XCTAssertEqual(strict.folds[0].cut, 0.995)
        XCTAssertEqual(strict.pooled.recall, 0.2, "only 1.0 is above every benign score")
    }

    func test_scoreZeroMeansNothingFired_soAnAllowanceLargerThanTheFiringBenignFiresOnEveryPositiveScore() throws {
        let pool = [0.9] + [Double](repeating: 0, count: 99)
        let fold = RecallAtFalsePositiveRate.Fold(name: "rules", attackScores: [0.9, 0.5, 0], poolScores: pool)
        let loose = try XCTUnwrap(RecallAtFalsePositiveRate.estimate(folds: [fold], targetRate: 0.01, replicates: 0))
        XCTAssertEqual(loose.folds[0].cut, 0)
        XCTAssertEqual(loose.pooled.detected, 2, "both firing attacks count; the one scoring 0 did not fire")
        XCTAssertEqual(loose.folds[0].achievedRate, 0.01)
        let strict = try XCTUnwrap(RecallAtFalsePositiveRate.estimate(folds: [fold], targetRate: 0.001, replicates: 0))
        XCTAssertEqual(strict.folds[0].cut, 0.9)
        XCTAssertEqual(strict.pooled.detected, 0, "an attack tying the benign 0.9 does not fire")
    }

    /// The expected bounds come from an independent Python implementation of the documented procedure
    /// (SplitMix64, pool draws then each fold's attack draws, sorted positions ⌊0.025·B⌋ and ⌈0.975·B⌉−1).
    func test_bootstrapInterval_matchesTheDocumentedResamplingForAFixedSeed() throws {
        let pool = (0..<100).map { Double($0) / 100 }
        let folds = [
            RecallAtFalsePositiveRate.Fold(name: "a", attackScores: [0.995, 0.97, 0.955, 0.945, 0.9, 0.5, 0.99, 0.93], poolScores: pool),
            RecallAtFalsePositiveRate.Fold(name: "b", attackScores: [0.96, 0.5, 0.985, 0.2, 0.942], poolScores: pool),
        ]
        let point = try XCTUnwrap(RecallAtFalsePositiveRate.estimate(folds: folds, targetRate: 0.05, replicates: 200, seed: 42))
        XCTAssertEqual(point.folds.map(\.cut), [0.94, 0.94])
        XCTAssertEqual(point.folds.map(\.estimate.detected), [5, 3])
        XCTAssertEqual(point.pooled.recall, 8.0 / 13)
        XCTAssertEqual(point.pooled.lower, 1.0 / 13)
        XCTAssertEqual(point.pooled.upper, 12.0 / 13)
        XCTAssertEqual([point.folds[0].estimate.lower, point.folds[0].estimate.upper], [0.125, 1.0])
        XCTAssertEqual([point.folds[1].estimate.lower, point.folds[1].estimate.upper], [0.0, 1.0])

        let again = try XCTUnwrap(RecallAtFalsePositiveRate.estimate(folds: folds, targetRate: 0.05, replicates: 200, seed: 42))
        XCTAssertEqual(again, point, "the same seed gives the same interval")
        let other = try XCTUnwrap(RecallAtFalsePositiveRate.estimate(folds: folds, targetRate: 0.05, replicates: 200, seed: 43))
        XCTAssertEqual([other.pooled.lower, other.pooled.upper], [2.0 / 13, 11.0 / 13])
    }

    func test_noBenignPoolOrNoAttack_givesNoEstimate() {
        XCTAssertNil(RecallAtFalsePositiveRate.estimate(folds: [.init(name: "s", attackScores: [0.5], poolScores: [])], targetRate: 0.01))
        XCTAssertNil(RecallAtFalsePositiveRate.estimate(folds: [.init(name: "s", attackScores: [], poolScores: [0.1])], targetRate: 0.01))
        XCTAssertNil(RecallAtFalsePositiveRate.estimate(folds: [], targetRate: 0.01))
    }
}
