import Foundation
import GuardlineDetectors
import GuardlineProtocol

/// `guardline eval --leave-one-source-out`: how a learned detector does on a
/// source it never saw. For each source S with attack events in the training
/// files, a model is trained by the project's trainer on every training event
/// whose `source` is not S, its threshold is cut on the benign pool (which no
/// model ever trains on) at each target false-positive rate, and it is scored
/// on S's attacks (recall) and on S's own benign events (their false-positive
/// rate at that cut). Pooled over sources, each attack is scored by the model
/// that did not see its source.
public struct LeaveOneSourceOut: Sendable {
    public struct Options: Sendable {
        public var training = LinearModelTrainer.Options()
        /// Keep only events whose `channel` is one of these (empty: all).
        public var channels: Set<String> = []
        /// Keep only attack events whose `family` is one of these (empty: all); benign events are kept.
        public var families: Set<String> = []
        public var falsePositiveRates = [0.001, 0.01]
        public var bootstrapReplicates = 1000
        public var bootstrapSeed: UInt64 = 1

        public init() {
            // Every training event trains: the pool, not a held-out split, sets the threshold.
            training.holdout = 0
        }
    }

    public struct Source: Sendable, Equatable {
        public var name: String
        public var trainingEvents: Int
        public var trainingAttacks: Int
        public var testAttacks: Int
        public var testBenign: Int
        /// The false-positive rate on the source's own benign events at each target's cut, in target order.
        public var benignRateAtCut: [Double]
    }

    public var sources: [Source] = []
    public var poolEvents = 0
    /// Per target false-positive rate, in order: per source (fold) and pooled.
    public var operatingPoints: [RecallAtFalsePositiveRate] = []
    /// Training lines skipped (no usable label, not an event) and events left out by the channel or family filter.
    public var skipped = 0
    public var filteredOut = 0

    struct Row {
        var source: String
        var attack: Bool
        var example: LinearModelTrainer.Example
    }

    public static func run(trainingFiles: [String], poolFiles: [String], options: Options) throws -> LeaveOneSourceOut {
        var result = LeaveOneSourceOut()
        let rows = try read(files: trainingFiles, options: options, skipped: &result.skipped, filteredOut: &result.filteredOut)
        var poolSkipped = 0, poolFiltered = 0
        let pool = try read(files: poolFiles, options: options, skipped: &poolSkipped, filteredOut: &poolFiltered).filter { !$0.attack }
        result.poolEvents = pool.count
        guard !pool.isEmpty else { throw ConfigError.training(path: poolFiles.joined(separator: ", "), reason: "the benign pool holds no benign event") }
        let heldOutSources = Set(rows.filter(\.attack).map(\.source)).sorted()
        guard heldOutSources.count >= 2 else {
            throw ConfigError.training(path: trainingFiles.joined(separator: ", "),
                                       reason: "leave-one-source-out needs attack events from at least two sources (found \(heldOutSources.count))")
        }
        var folds: [RecallAtFalsePositiveRate.Fold] = []
        var benignScores: [[Double]] = []
        for source in heldOutSources {
            let training = rows.filter { $0.source != source }.map(\.example)
            let attacks = training.filter(\.attack).count
            guard attacks > 0, attacks < training.count else {
                throw ConfigError.training(path: trainingFiles.joined(separator: ", "),
                                           reason: "without source \(source) the training events are all of one class")
            }
            let model = LinearModelTrainer.train(training, options: options.training).model
            let held = rows.filter { $0.source == source }
            folds.append(.init(name: source, attackScores: held.filter(\.attack).map { model.score(features: $0.example.features) },
                               poolScores: pool.map { model.score(features: $0.example.features) }))
            benignScores.append(held.filter { !$0.attack }.map { model.score(features: $0.example.features) })
            result.sources.append(Source(name: source, trainingEvents: training.count, trainingAttacks: attacks,
                                         testAttacks: held.filter(\.attack).count, testBenign: held.count - held.filter(\.attack).count,
                                         benignRateAtCut: []))
        }
        result.operatingPoints = options.falsePositiveRates.compactMap {
            RecallAtFalsePositiveRate.estimate(folds: folds, targetRate: $0, replicates: options.bootstrapReplicates,
                                               seed: options.bootstrapSeed)
        }
        for index in result.sources.indices {
            result.sources[index].benignRateAtCut = result.operatingPoints.map { point in
                let cut = point.folds[index].cut
                let scores = benignScores[index]
                return scores.isEmpty ? 0 : Double(scores.filter { $0 > cut }.count) / Double(scores.count)
            }
        }
        return result
    }

    /// Labelled events featurised as the trainer featurises them (through the daemon's parser), with their source.
    static func read(files: [String], options: Options, skipped: inout Int, filteredOut: inout Int) throws -> [Row] {
        let parser = EventParser(maxLineLength: 1 << 20)
        var rows: [Row] = []
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
                let attack = label == "attack"
                if !options.channels.isEmpty, !options.channels.contains(Evaluation.labelField("channel", of: object)) {
                    filteredOut += 1
                    continue
                }
                if attack, !options.families.isEmpty, !options.families.contains(Evaluation.labelField("family", of: object)) {
                    filteredOut += 1
                    continue
                }
                var bytes = Array(line.utf8)
                let example = bytes.withUnsafeMutableBytes { raw -> LinearModelTrainer.Example? in
                    guard case .event(let event) = parser.parse(UnsafeRawBufferPointer(raw), readable: raw.count) else { return nil }
                    var features: [UInt32] = []
                    HashedFeatures.collect(event, settings: options.training.settings, into: &features)
                    return LinearModelTrainer.Example(id: event.id.string, attack: attack,
                                                      category: object["category"] as? String ?? label, features: features)
                }
                guard let example else {
                    skipped += 1
                    continue
                }
                rows.append(Row(source: Evaluation.labelField("source", of: object), attack: attack, example: example))
            }
        }
        return rows
    }
}
