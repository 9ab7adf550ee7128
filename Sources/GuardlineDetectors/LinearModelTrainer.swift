import Foundation

/// Fits a `LinearModel`: logistic regression by AdaGrad with L2, on hashed
/// features, with a stratified held-out split it reports on.
///
/// Deterministic by construction: examples are ordered by the caller, every
/// random choice comes from `SplitMix64(seed:)`, and the arithmetic runs in
/// one fixed order, so the same examples and options give the same weights
/// bit for bit (and `LinearModelFile` the same bytes).
public enum LinearModelTrainer {
    /// One labelled event, featurised.
    public struct Example: Sendable {
        public var id: String
        public var attack: Bool
        public var category: String
        /// `bucket | sign << 31`, from `HashedFeatures.collect`.
        public var features: [UInt32]

        public init(id: String, attack: Bool, category: String, features: [UInt32]) {
            self.id = id
            self.attack = attack
            self.category = category
            self.features = features
        }
    }

    public struct Options: Sendable {
        public var name = "learned"
        public var seed: UInt64 = 1
        public var epochs = 8
        /// Share of each class held out for the report (0 ..< 1).
        public var holdout = 0.2
        public var settings = FeatureSettings()
        public var learningRate = 0.2
        /// L2 penalty per update, applied to the weights an example touches.
        public var l2 = 1e-6
        /// The held-out false-positive rate the recommended threshold keeps.
        public var targetFalsePositiveRate = 0.01

        public init() {}
    }

    public struct Report: Sendable {
        public var model: LinearModel
        public var trainingEvents: Int
        public var trainingAttacks: Int
        /// Ids of the held-out events, in split order (tells two seeds' splits apart).
        public var heldOutIDs: [String]
        /// Held-out quality at 0.5 and at the recommended threshold (nil when nothing was held out).
        public var heldOutAtHalf: ClassifierMetrics?
        public var heldOutAtRecommended: ClassifierMetrics?
        /// Held-out, per category, at the recommended threshold.
        public var heldOutCategories: [String: ClassifierMetrics]
    }

    public static func train(_ examples: [Example], options: Options) -> Report {
        var random = SplitMix64(seed: options.seed)
        // Stratified split: each class is shuffled and cut on its own, so a
        // small attack share is represented in both halves.
        var attacks = examples.indices.filter { examples[$0].attack }
        var benign = examples.indices.filter { !examples[$0].attack }
        random.shuffle(&attacks)
        random.shuffle(&benign)
        let heldAttacks = Int((Double(attacks.count) * options.holdout).rounded())
        let heldBenign = Int((Double(benign.count) * options.holdout).rounded())
        let heldOut = Array(attacks.prefix(heldAttacks)) + Array(benign.prefix(heldBenign))
        var training = Array(attacks.dropFirst(heldAttacks)) + Array(benign.dropFirst(heldBenign))

        let positives = training.filter { examples[$0].attack }.count
        let negatives = training.count - positives
        // Class weights make both classes count equally, whatever their share.
        let positiveWeight = positives == 0 ? 1 : Double(training.count) / Double(2 * positives)
        let negativeWeight = negatives == 0 ? 1 : Double(training.count) / Double(2 * negatives)

        let buckets = options.settings.bucketCount
        var weights = [Double](repeating: 0, count: buckets)
        var squaredGradients = [Double](repeating: 0, count: buckets)
        var bias = 0.0, biasSquaredGradient = 0.0
        let epsilon = 1e-8
        for _ in 0..<options.epochs {
            random.shuffle(&training)
            for index in training {
                let example = examples[index]
                guard !example.features.isEmpty else { continue }
                let scale = 1 / Double(example.features.count).squareRoot()
                var sum = 0.0
                for feature in example.features {
                    let weight = weights[Int(feature & 0x7fff_ffff)]
                    sum += feature >> 31 == 0 ? weight : -weight
                }
                let probability = 1 / (1 + exp(-(bias + sum * scale)))
                let error = (probability - (example.attack ? 1 : 0)) * (example.attack ? positiveWeight : negativeWeight)
                for feature in example.features {
                    let bucket = Int(feature & 0x7fff_ffff)
                    let gradient = error * scale * (feature >> 31 == 0 ? 1 : -1) + options.l2 * weights[bucket]
                    squaredGradients[bucket] += gradient * gradient
                    weights[bucket] -= options.learningRate * gradient / (squaredGradients[bucket].squareRoot() + epsilon)
                }
                biasSquaredGradient += error * error
                bias -= options.learningRate * error / (biasSquaredGradient.squareRoot() + epsilon)
            }
        }

        let metadata = LinearModel.Metadata(seed: options.seed, epochs: options.epochs,
                                            trainingEvents: training.count, trainingAttacks: positives)
        let draft = LinearModel(name: options.name, settings: options.settings, weights: weights.map { Float($0) },
                                bias: Float(bias), recommendedThreshold: 0.5, metadata: metadata)
        // Held-out scores come from the model as the daemon will run it (float32 weights).
        let scored = heldOut.map { (attack: examples[$0].attack, score: draft.score(features: examples[$0].features)) }
        let fitted = ClassifierMetrics.threshold(forFalsePositiveRate: options.targetFalsePositiveRate, scored) ?? 0.5
        // Never below 0.5: a threshold fitted to a small held-out set is optimistic.
        let recommended = max(0.5, fitted)
        let model = LinearModel(name: options.name, settings: options.settings, weights: draft.weights, bias: draft.bias,
                                recommendedThreshold: recommended, metadata: metadata)
        var categories: [String: [(attack: Bool, score: Double)]] = [:]
        for (position, index) in heldOut.enumerated() { categories[examples[index].category, default: []].append(scored[position]) }
        return Report(model: model, trainingEvents: training.count, trainingAttacks: positives,
                      heldOutIDs: heldOut.map { examples[$0].id },
                      heldOutAtHalf: scored.isEmpty ? nil : ClassifierMetrics(scored: scored, threshold: 0.5),
                      heldOutAtRecommended: scored.isEmpty ? nil : ClassifierMetrics(scored: scored, threshold: recommended),
                      heldOutCategories: categories.mapValues { ClassifierMetrics(scored: $0, threshold: recommended) })
    }
}
