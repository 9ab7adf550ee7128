import ArgumentParser
import Foundation
import GuardlineDaemon
import GuardlineDetectors

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a linear classifier (logistic regression over hashed word and character n-grams) on labelled events and write a model file for a `kind: learned` detector.",
        discussion: """
        Each line is an event with "label": "attack" or "benign" and an optional "category" (the `guardline eval` format). \
        A stratified share (--holdout) is kept out of training and reported on; the recommended threshold stored in the model \
        keeps the held-out false-positive rate at or under 1 % (and is never below 0.5). The same files, options and seed \
        write the same bytes.
        """)

    @Argument(help: "Labelled NDJSON files.")
    var files: [String]

    @Option(help: "Model file to write (*.glm).")
    var out: String

    @Option(help: "Seed of the shuffle and the held-out split.")
    var seed: UInt64 = 1

    @Option(help: "Passes over the training events.")
    var epochs = 8

    @Option(help: "Share of each class held out for the report (0 ..< 1).")
    var holdout = 0.2

    @Option(help: "Hash buckets (weights): a power of two between 256 and 16777216.")
    var buckets = 1 << 18

    @Option(help: "Character n-gram lengths, MIN-MAX (e.g. 3-5), or none.")
    var characterGrams = "none"

    @Option(help: "Model name stored in the file.")
    var name = "learned"

    @Option(help: "Also report on these labelled files (never trained on), at the recommended threshold.")
    var evaluate: [String] = []

    @Option(name: .customLong("evaluate-threshold"),
            help: "Also report the --evaluate files at this threshold (repeatable): the one a detector file will set.")
    var evaluateThresholds: [Double] = []

    @Option(help: "table or json.")
    var format: OutputFormatOption = .table

    func validate() throws {
        for file in files + evaluate where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
        guard LinearModelFile.allowedBuckets.contains(buckets), buckets & (buckets - 1) == 0 else {
            throw ValidationError("--buckets must be a power of two between 256 and 16777216 (got \(buckets))")
        }
        guard holdout >= 0, holdout < 1 else { throw ValidationError("--holdout must be in [0, 1) (got \(holdout))") }
        guard epochs >= 1, epochs <= 1000 else { throw ValidationError("--epochs must be between 1 and 1000 (got \(epochs))") }
        guard parsedGrams() != nil else { throw ValidationError("--character-grams must be MIN-MAX with 1 <= MIN <= MAX <= 8, or none") }
        for threshold in evaluateThresholds where !(threshold > 0 && threshold <= 1) {
            throw ValidationError("--evaluate-threshold must be in (0, 1] (got \(threshold))")
        }
        guard format != .csv else { throw ValidationError("--format must be table or json") }
    }

    private func parsedGrams() -> ClosedRange<Int>? {
        if characterGrams == "none" { return 0...0 }
        let parts = characterGrams.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 8 else { return nil }
        return parts[0]...parts[1]
    }

    func run() throws {
        var options = LinearModelTrainer.Options()
        options.name = name
        options.seed = seed
        options.epochs = epochs
        options.holdout = holdout
        options.settings = FeatureSettings(bucketCount: buckets, characterGrams: parsedGrams() ?? 0...0)
        let result: Trainer.Result
        do {
            result = try Trainer.run(files: files, output: out, options: options, evaluate: evaluate,
                                   evaluationThresholds: evaluateThresholds)
        } catch {
            FileHandle.standardError.write(Data("guardline: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(TrainingReportRenderer.render(result, output: out, json: format == .json))
    }
}
