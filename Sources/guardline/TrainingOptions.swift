import ArgumentParser
import GuardlineDetectors

/// The trainer's options where a command trains models of its own (`guardline eval --leave-one-source-out`):
/// the same names, defaults and bounds as `guardline train`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Seed of the trainer's shuffle.")
    var seed: UInt64 = 1

    @Option(help: "Passes over the training events.")
    var epochs = 8

    @Option(help: "Hash buckets (weights): a power of two between 256 and 16777216.")
    var buckets = 1 << 18

    @Option(help: "Character n-gram lengths, MIN-MAX (e.g. 3-5), or none.")
    var characterGrams = "none"

    func validate() throws {
        guard LinearModelFile.allowedBuckets.contains(buckets), buckets & (buckets - 1) == 0 else {
            throw ValidationError("--buckets must be a power of two between 256 and 16777216 (got \(buckets))")
        }
        guard epochs >= 1, epochs <= 1000 else { throw ValidationError("--epochs must be between 1 and 1000 (got \(epochs))") }
        guard characterGramRange != nil else { throw ValidationError("--character-grams must be MIN-MAX with 1 <= MIN <= MAX <= 8, or none") }
    }

    var characterGramRange: ClosedRange<Int>? {
        if characterGrams == "none" { return 0...0 }
        let parts = characterGrams.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 8 else { return nil }
        return parts[0]...parts[1]
    }

    /// The trainer's options with these values (`holdout` and the rest left as `base` has them).
    func apply(to base: LinearModelTrainer.Options) -> LinearModelTrainer.Options {
        var options = base
        options.seed = seed
        options.epochs = epochs
        options.settings = FeatureSettings(bucketCount: buckets, characterGrams: characterGramRange ?? 0...0)
        return options
    }
}
