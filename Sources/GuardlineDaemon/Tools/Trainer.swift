import Foundation
import GuardlineDetectors
import GuardlineProtocol

/// `guardline train`: reads labelled NDJSON events (the `guardline eval`
/// format), featurises each through the daemon's own parser (so training
/// sees exactly the unescaped text the daemon scores), fits a `LinearModel`
/// and reports on its held-out split, on optional extra evaluation files,
/// and its scoring cost on benchmark-shaped events.
public enum Trainer {
    public struct Result: Sendable {
        public var report: LinearModelTrainer.Report
        /// Lines without a usable `label`, or that do not parse as events.
        public var skipped: Int
        /// Per extra evaluation file: quality at the recommended threshold.
        public var evaluations: [(file: String, metrics: ClassifierMetrics)]
        /// Per extra evaluation file: quality at each `evaluationThresholds` value, in order
        /// (the threshold a detector file will set is rarely the model's recommended one).
        public var evaluationsAtThresholds: [(file: String, metrics: [ClassifierMetrics])]
        /// Mean cost of one `score` on bench events (~570 bytes of text and a tool call), in nanoseconds.
        public var nanosecondsPerEvent: Double
        /// The model file's bytes, as written.
        public var fileBytes: Int
    }

    /// Trains on `files`, writes the model to `output`, and evaluates on `evaluate`.
    public static func run(files: [String], output: String, options: LinearModelTrainer.Options,
                           evaluate: [String] = [], evaluationThresholds: [Double] = []) throws -> Result {
        var skipped = 0
        let examples = try read(files: files, settings: options.settings, skipped: &skipped)
        let attacks = examples.filter(\.attack).count
        guard attacks > 0, attacks < examples.count else {
            throw ConfigError.training(path: files.joined(separator: ", "),
                                         reason: "training needs both attack and benign events (got \(attacks) attacks among \(examples.count) labelled events)")
        }
        let report = LinearModelTrainer.train(examples, options: options)
        let bytes = LinearModelFile.encode(report.model)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw ConfigError.training(path: output, reason: "cannot write the model: \(error.localizedDescription)")
        }
        var evaluations: [(file: String, metrics: ClassifierMetrics)] = []
        var evaluationsAtThresholds: [(file: String, metrics: [ClassifierMetrics])] = []
        for file in evaluate {
            var ignored = 0
            let events = try read(files: [file], settings: options.settings, skipped: &ignored)
            let scored = events.map { (attack: $0.attack, score: report.model.score(features: $0.features)) }
            evaluations.append((file, ClassifierMetrics(scored: scored, threshold: report.model.recommendedThreshold)))
            evaluationsAtThresholds.append((file, evaluationThresholds.map { ClassifierMetrics(scored: scored, threshold: $0) }))
        }
        return Result(report: report, skipped: skipped, evaluations: evaluations, evaluationsAtThresholds: evaluationsAtThresholds,
                      nanosecondsPerEvent: measureScoring(report.model), fileBytes: bytes.count)
    }

    /// Labelled events of `files`, in file and line order.
    static func read(files: [String], settings: FeatureSettings, skipped: inout Int) throws -> [LinearModelTrainer.Example] {
        let parser = EventParser(maxLineLength: 1 << 20)
        var examples: [LinearModelTrainer.Example] = []
        for file in files {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigError.training(path: file, reason: error.localizedDescription)
            }
            for line in text.split(separator: "\n") where !line.isEmpty {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                      let label = object["label"] as? String, label == "attack" || label == "benign" else {
                    skipped += 1
                    continue
                }
                var bytes = Array(line.utf8)
                let example = bytes.withUnsafeMutableBytes { raw -> LinearModelTrainer.Example? in
                    guard case .event(let event) = parser.parse(UnsafeRawBufferPointer(raw), readable: raw.count) else { return nil }
                    var features: [UInt32] = []
                    HashedFeatures.collect(event, settings: settings, into: &features)
                    return LinearModelTrainer.Example(id: event.id.string, attack: label == "attack",
                                                      category: object["category"] as? String ?? label, features: features)
                }
                guard let example else {
                    skipped += 1
                    continue
                }
                examples.append(example)
            }
        }
        return examples
    }

    /// Scores 512 bench events 40 times each through `LinearModel.score(_:)`,
    /// the daemon's path, and returns the mean nanoseconds per call.
    static func measureScoring(_ model: LinearModel) -> Double {
        var generator = BenchEventGenerator(attackShare: 0.02, seed: 7)
        let pool = generator.pool(count: 512)
        let parser = EventParser(maxLineLength: 1 << 20)
        var total: UInt64 = 0
        var calls = 0
        var sink = 0.0
        pool.bytes.withUnsafeBytes { raw in
            for index in 0..<(pool.offsets.count - 1) {
                let line = UnsafeRawBufferPointer(rebasing: raw[pool.offsets[index]..<(pool.offsets[index + 1] - 1)])
                guard case .event(let event) = parser.parse(line, readable: line.count) else { continue }
                let start = Worker.monotonicNanos()
                for _ in 0..<40 { sink += model.score(event) }
                total += Worker.monotonicNanos() - start
                calls += 40
            }
        }
        // Keeps the optimiser from dropping the loop.
        if sink.isNaN { print("") }
        return calls == 0 ? 0 : Double(total) / Double(calls)
    }
}
