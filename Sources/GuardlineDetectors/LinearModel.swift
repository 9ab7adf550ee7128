import Foundation
import GuardlineProtocol

/// A logistic-regression classifier over hashed n-gram features: what a
/// `kind: learned` detector runs. Immutable and shared by every worker;
/// scoring allocates nothing (see `HashedFeatures`).
///
/// The score of an event is `σ(bias + Σ sign·weight[bucket] / √n)` over its
/// `n` features: dividing by `√n` (the feature vector's L2 norm when every
/// feature occurs once) keeps long documents from scoring high merely
/// because they have many words.
public final class LinearModel: Sendable {
    /// What the model was trained on, kept in the file for `guardline status`
    /// and for telling two models apart (no date: that would break the
    /// byte-for-byte reproducibility of training).
    public struct Metadata: Sendable, Equatable {
        public var seed: UInt64
        public var epochs: Int
        public var trainingEvents: Int
        public var trainingAttacks: Int

        public init(seed: UInt64, epochs: Int, trainingEvents: Int, trainingAttacks: Int) {
            self.seed = seed
            self.epochs = epochs
            self.trainingEvents = trainingEvents
            self.trainingAttacks = trainingAttacks
        }
    }

    public let name: String
    public let settings: FeatureSettings
    public let weights: [Float]
    public let bias: Float
    /// The threshold the trainer recommends (held-out FPR ≤ 1 %, never
    /// below 0.5); a detector file's `threshold` overrides it.
    public let recommendedThreshold: Double
    public let metadata: Metadata

    public init(name: String, settings: FeatureSettings, weights: [Float], bias: Float,
                recommendedThreshold: Double, metadata: Metadata) {
        precondition(weights.count == settings.bucketCount, "one weight per bucket")
        self.name = name
        self.settings = settings
        self.weights = weights
        self.bias = bias
        self.recommendedThreshold = recommendedThreshold
        self.metadata = metadata
    }

    /// The probability that `event` is an attack, from its text and tool calls.
    public func score(_ event: EventView) -> Double {
        score(text: event.text, toolCalls: EventToolCalls(event: event))
    }

    /// The probability from an event's fields: the text, then each tool
    /// call's name and arguments (the order `HashedFeatures.forEach` visits).
    public func score<ToolCalls: Collection<ToolCallView>>(text: Bytes, toolCalls: ToolCalls) -> Double {
        if WordFeatureScorer.handles(settings) {
            return weights.withUnsafeBufferPointer { weights in
                var scorer = WordFeatureScorer(settings: self.settings, weights: weights)
                scorer.add(text)
                for call in toolCalls {
                    scorer.add(call.name)
                    scorer.add(call.arguments)
                }
                return probability(sum: scorer.sum, count: scorer.count)
            }
        }
        let mask = settings.bucketCount - 1
        let settings = settings
        return weights.withUnsafeBufferPointer { weights in
            var sum: Float = 0
            var count = 0
            let visit = { (hash: UInt64) in
                sum += HashedFeatures.sign(hash) * weights[HashedFeatures.bucket(hash, mask: mask)]
                count += 1
            }
            HashedFeatures.forEach(in: text, settings: settings, visit)
            for call in toolCalls {
                HashedFeatures.forEach(in: call.name, settings: settings, visit)
                HashedFeatures.forEach(in: call.arguments, settings: settings, visit)
            }
            return probability(sum: sum, count: count)
        }
    }

    /// The score of features collected by `HashedFeatures.collect`: the same
    /// arithmetic, in the same order, as `score(_:)`.
    public func score(features: [UInt32]) -> Double {
        weights.withUnsafeBufferPointer { weights in
            var sum: Float = 0
            for feature in features {
                let weight = weights[Int(feature & 0x7fff_ffff)]
                sum += feature >> 31 == 0 ? weight : -weight
            }
            return probability(sum: sum, count: features.count)
        }
    }

    @inline(__always)
    private func probability(sum: Float, count: Int) -> Double {
        let margin = bias + (count == 0 ? 0 : sum / Float(count).squareRoot())
        return 1 / (1 + exp(-Double(margin)))
    }
}
