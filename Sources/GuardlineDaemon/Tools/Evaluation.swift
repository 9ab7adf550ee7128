import Foundation
import GuardlineDetectors
import GuardlineProtocol

/// `guardline eval`: event-level quality of the content detectors (rules,
/// native plugins, learned models and process detectors) on labelled events (`"label": "attack"|"benign"`, optional
/// `"category"`). Behavioural detectors act on accounts over time, so they are
/// not scored per event here.
public struct Evaluation: Sendable {
    public typealias Confusion = ConfusionCounts

    public struct SweepPoint: Sendable, Equatable {
        public var threshold: Double
        public var truePositiveRate: Double
        public var falsePositiveRate: Double
        public var precision: Double
    }

    /// Per detector (enforcing and shadow alike), and "overall" (any enforcing detector fires).
    public var detectors: [String: Confusion] = [:]
    public var overall = Confusion()
    /// Overall, per category.
    public var categories: [String: Confusion] = [:]
    /// Overall score thresholds 0.05…1 (PR and ROC points).
    public var sweep: [SweepPoint] = []
    /// Lowest swept threshold that keeps the false-positive rate at or under 1 %.
    public var thresholdForOnePercentFPR: Double?
    /// Per content detector, the same sweep over its own score (0 where it did not fire).
    public var detectorSweeps: [String: [SweepPoint]] = [:]
    /// Per content detector, how its scores spread over attack and benign events.
    public var histograms: [String: ScoreHistogram] = [:]
    /// Overall, per value of the event's `source`, `channel` and `family` fields (events without one are "—").
    public var sources: [String: Confusion] = [:]
    public var channels: [String: Confusion] = [:]
    public var families: [String: Confusion] = [:]
    /// Per content detector, per source: which detectors fire where (false positives by source, for one).
    public var detectorSources: [String: [String: Confusion]] = [:]
    /// Recall of the overall score at each of `options.falsePositiveRates` of the benign events, per source and
    /// pooled, with bootstrap intervals.
    public var operatingPoints: [RecallAtFalsePositiveRate] = []
    public var events = 0
    public var skipped = 0

    public struct Options: Sendable {
        /// Benign false-positive rates at which recall is reported.
        public var falsePositiveRates = [0.001, 0.01]
        /// Bootstrap rounds of the recall intervals (0: no interval) and their seed.
        public var bootstrapReplicates = 1000
        public var bootstrapSeed: UInt64 = 1

        public init() {}
    }

    public static func run(files: [String], configPath: String?, options: Options = Options()) throws -> Evaluation {
        var config = DaemonConfig()
        if let configPath { config = try ConfigLoader.load(path: configPath) }
        let generation = try GenerationBuilder.build(number: 1, config: config)
        let scanner = try RuleScanner(engine: generation.ruleEngine)
        let natives = try generation.natives.map { ($0, try $0.plugin.makeContext()) }
        let parser = EventParser(maxLineLength: config.maxLineBytes)
        var result = Evaluation()
        var scored: [(attack: Bool, score: Double)] = []
        var attackScoresBySource: [String: [Double]] = [:]
        var benignScores: [Double] = []
        var detectorScored: [String: [(attack: Bool, score: Double)]] = [:]
        var hits: [RuleHit] = []
        let scoredDetectors = generation.detectors.filter { ["rules", "native", "learned", "process"].contains($0.kind) }.map(\.name)
        let enforcingDetectors = generation.detectors.filter(\.enforcing).map(\.name)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.isEmpty {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                      let label = object["label"] as? String, label == "attack" || label == "benign" else {
                    result.skipped += 1
                    continue
                }
                let attack = label == "attack"
                var fired: [String: Double] = [:]
                var bytes = Array(line.utf8)
                let parsed = bytes.withUnsafeMutableBytes { raw -> Bool in
                    guard case .event(let event) = parser.parse(UnsafeRawBufferPointer(raw), readable: raw.count) else { return false }
                    hits.removeAll(keepingCapacity: true)
                    scanner.scan(event, into: &hits)
                    for hit in hits { fired[generation.detectors[hit.detectorIndex].name] = hit.score }
                    for (native, context) in natives {
                        if let score = try? context.score(event: event).score, score >= native.threshold {
                            fired[generation.detectors[native.detector].name] = score
                        }
                    }
                    for learned in generation.learned where learned.reads(event.role) {
                        let score = learned.model.score(event)
                        if score >= learned.threshold { fired[generation.detectors[learned.detector].name] = score }
                    }
                    // Offline, one request per event is fine: the child answers within its deadline or the miss counts as not fired.
                    for process in generation.processes {
                        if let score = process.running.detector.score(batch: [ProcessRequest(event: event)])[0]?.score,
                           score >= process.threshold {
                            fired[generation.detectors[process.detector].name] = score
                        }
                    }
                    return true
                }
                guard parsed else {
                    result.skipped += 1
                    continue
                }
                result.events += 1
                let source = Self.labelField("source", of: object)
                for name in scoredDetectors {
                    result.detectors[name, default: Confusion()].add(attack: attack, fired: fired[name] != nil)
                    result.detectorSources[name, default: [:]][source, default: Confusion()].add(attack: attack, fired: fired[name] != nil)
                    result.histograms[name, default: ScoreHistogram()].add(attack: attack, score: fired[name] ?? 0)
                    detectorScored[name, default: []].append((attack, fired[name] ?? 0))
                }
                let enforcing = enforcingDetectors.compactMap { fired[$0] }
                let score = enforcing.max() ?? 0
                result.overall.add(attack: attack, fired: score > 0)
                result.categories[object["category"] as? String ?? label, default: Confusion()].add(attack: attack, fired: score > 0)
                result.sources[source, default: Confusion()].add(attack: attack, fired: score > 0)
                result.channels[Self.labelField("channel", of: object), default: Confusion()].add(attack: attack, fired: score > 0)
                result.families[Self.labelField("family", of: object), default: Confusion()].add(attack: attack, fired: score > 0)
                scored.append((attack, score))
                if attack { attackScoresBySource[source, default: []].append(score) } else { benignScores.append(score) }
            }
        }
        result.sweep = sweep(scored)
        result.thresholdForOnePercentFPR = lowestThreshold(in: result.sweep, maximumFalsePositiveRate: 0.01)
        result.detectorSweeps = detectorScored.mapValues { sweep($0) }
        // One model: every source's attacks meet the same benign events, so each fold shares the pool scores.
        let folds = attackScoresBySource.sorted { $0.key < $1.key }.map {
            RecallAtFalsePositiveRate.Fold(name: $0.key, attackScores: $0.value, poolScores: benignScores)
        }
        result.operatingPoints = options.falsePositiveRates.compactMap {
            RecallAtFalsePositiveRate.estimate(folds: folds, targetRate: $0, replicates: options.bootstrapReplicates,
                                               seed: options.bootstrapSeed)
        }
        return result
    }

    /// The value of a labelling field such as `source`, or "—" when the event has none.
    static func labelField(_ name: String, of object: [String: Any]) -> String {
        (object[name] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "—"
    }
}
