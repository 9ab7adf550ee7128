import ArgumentParser
import Foundation
import GuardlineDaemon

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Event-level quality of the content detectors on labelled events: TPR, FPR, precision, F1, per category, source, channel and family, recall at fixed false-positive rates, threshold sweep; or leave-one-source-out quality of a learned detector.",
        discussion: """
        Each line is an event with "label": "attack" or "benign" and optional "category", "source", "channel" and "family". \
        Recall at a false-positive rate r cuts the overall score so that at most r of the benign events fire, with a seeded \
        percentile-bootstrap 95 % interval. With --leave-one-source-out, FILES are training events: for each source with \
        attacks, a model is trained (as `guardline train` does) without that source, cut on the --pool benign events and \
        tested on the source.
        """)

    @Argument(help: "Labelled NDJSON files (with --leave-one-source-out: the training events).")
    var files: [String]

    @Option(name: .customLong("false-positive-rate"), help: "Report recall at this benign false-positive rate (repeatable; default 0.001 and 0.01).")
    var falsePositiveRates: [Double] = []

    @Option(help: "Bootstrap rounds of the recall intervals (0: none).")
    var bootstrap = 1000

    @Option(name: .customLong("bootstrap-seed"), help: "Seed of the bootstrap resampling.")
    var bootstrapSeed: UInt64 = 1

    @Flag(name: .customLong("leave-one-source-out"),
          help: "Train without each source in turn (the `source` field) and test on it; thresholds are cut on --pool.")
    var leaveOneSourceOut = false

    @Option(help: "Benign pool files for --leave-one-source-out: thresholds are cut on them; never trained on.")
    var pool: [String] = []

    @Option(help: "With --leave-one-source-out: keep only events of this channel (repeatable; user, tool_output, tool_arguments).")
    var channel: [String] = []

    @Option(help: "With --leave-one-source-out: keep only attacks of this family (repeatable; benign events are all kept).")
    var family: [String] = []

    @OptionGroup(title: "Training (with --leave-one-source-out)")
    var training: TrainingOptions

    @Option(help: "Config file (which detectors).")
    var config: String?

    @Option(help: "table or json.")
    var format: OutputFormatOption = .table

    @Option(help: "Ground-truth accounts (CSV `account_id,malicious` or NDJSON): also evaluate flags at account level.")
    var accounts: String?

    @Option(help: "Also write a self-contained HTML report (tables, confusion matrices, score histograms, PR and ROC curves) to this path.")
    var report: String?

    func validate() throws {
        for rate in falsePositiveRates where !(rate > 0 && rate < 1) {
            throw ValidationError("--false-positive-rate must be in (0, 1) (got \(rate))")
        }
        guard bootstrap >= 0, bootstrap <= 100_000 else { throw ValidationError("--bootstrap must be between 0 and 100000 (got \(bootstrap))") }
        if leaveOneSourceOut {
            guard !pool.isEmpty else { throw ValidationError("--leave-one-source-out needs --pool FILE: the benign events the thresholds are cut on") }
            guard accounts == nil, report == nil, config == nil else {
                throw ValidationError("--leave-one-source-out trains its own models: --config, --accounts and --report do not apply")
            }
            try training.validate()
        } else if !pool.isEmpty || !channel.isEmpty || !family.isEmpty {
            throw ValidationError("--pool, --channel and --family apply only with --leave-one-source-out")
        }
        for file in pool where !FileManager.default.fileExists(atPath: file) { throw ValidationError("no such file: \(file)") }
        if let accounts, !FileManager.default.fileExists(atPath: accounts) { throw ValidationError("no such file: \(accounts)") }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        if leaveOneSourceOut { return try runLeaveOneSourceOut() }
        let result: Evaluation
        var accountLevel: AccountEvaluation?
        var options = Evaluation.Options()
        if !falsePositiveRates.isEmpty { options.falsePositiveRates = falsePositiveRates }
        options.bootstrapReplicates = bootstrap
        options.bootstrapSeed = bootstrapSeed
        do {
            result = try Evaluation.run(files: files, configPath: config, options: options)
            if let accounts { accountLevel = try AccountEvaluation.run(files: files, configPath: config, truthPath: accounts) }
            if let report {
                let page = EvaluationReport(evaluation: result, accounts: accountLevel,
                                            inputs: .init(files: files, configPath: config, accountsPath: accounts)).html()
                try Data(page.utf8).write(to: URL(fileURLWithPath: report), options: .atomic)
                FileHandle.standardError.write(Data("guardline: report written to \(report)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("guardline: \(error)\n".utf8))
            throw ExitCode(2)
        }
        func row(_ c: Evaluation.Confusion) -> [String: Any] {
            ["tp": c.truePositives, "fp": c.falsePositives, "tn": c.trueNegatives, "fn": c.falseNegatives,
             "tpr": c.truePositiveRate, "fpr": c.falsePositiveRate, "precision": c.precision, "f1": c.f1]
        }
        if format == .json {
            var object: [String: Any] = [
                "events": result.events, "skipped": result.skipped, "overall": row(result.overall),
                "detectors": result.detectors.mapValues(row), "categories": result.categories.mapValues(row),
                "sweep": result.sweep.map { ["threshold": $0.threshold, "tpr": $0.truePositiveRate, "fpr": $0.falsePositiveRate, "precision": $0.precision] },
            ]
            object["threshold_fpr_1pct"] = result.thresholdForOnePercentFPR ?? NSNull()
            object["sources"] = result.sources.mapValues(row)
            object["channels"] = result.channels.mapValues(row)
            object["families"] = result.families.mapValues(row)
            object["detector_sources"] = result.detectorSources.mapValues { $0.mapValues(row) }
            object["recall_at_fpr"] = result.operatingPoints.map(EvalRendering.json)
            if let a = accountLevel {
                object["accounts"] = [
                    "malicious": a.maliciousAccounts, "malicious_flagged": a.maliciousFlagged,
                    "benign": a.benignAccounts, "benign_flagged": a.benignFlagged,
                    "events_before_flag": a.eventsBeforeFlag, "median_events_before_flag": a.medianEventsBeforeFlag ?? NSNull(),
                ] as [String: Any]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            return
        }
        func line(_ name: String, _ c: Evaluation.Confusion) -> String {
            name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: "%5d %5d %5d %5d   %.3f  %.3f  %.3f  %.3f", c.truePositives, c.falsePositives, c.trueNegatives,
                         c.falseNegatives, c.truePositiveRate, c.falsePositiveRate, c.precision, c.f1)
        }
        print("\(result.events) labelled events (\(result.skipped) skipped)")
        print("detector".padding(toLength: 28, withPad: " ", startingAt: 0) + "   TP    FP    TN    FN   TPR    FPR    prec   F1")
        print(line("overall (enforcing)", result.overall))
        for (name, confusion) in result.detectors.sorted(by: { $0.key < $1.key }) { print(line(name, confusion)) }
        print("\nby category (overall)")
        for (name, confusion) in result.categories.sorted(by: { $0.key < $1.key }) { print(line(name, confusion)) }
        print("\nthreshold sweep (overall score)")
        for point in result.sweep where Int((point.threshold * 20).rounded()) % 4 == 0 || point.threshold == result.thresholdForOnePercentFPR {
            print(String(format: "  >= %.2f  TPR %.3f  FPR %.3f  precision %.3f", point.threshold, point.truePositiveRate,
                         point.falsePositiveRate, point.precision))
        }
        print(result.thresholdForOnePercentFPR.map { String(format: "lowest threshold with FPR <= 1%%: %.2f", $0) }
              ?? "no swept threshold keeps FPR <= 1%")
        for (title, table) in [("source", result.sources), ("channel", result.channels), ("family", result.families)]
        where table.count > 1 || table.keys.first != "—" {
            print("\nby \(title) (overall)")
            for (name, confusion) in table.sorted(by: { $0.key < $1.key }) { print(line(name, confusion)) }
        }
        for point in result.operatingPoints { print(""); print(EvalRendering.table(point), terminator: "") }
        if let a = accountLevel {
            print("\naccounts (full pipeline replayed, policy applied)")
            print("  malicious flagged: \(a.maliciousFlagged)/\(a.maliciousAccounts)"
                  + (a.medianEventsBeforeFlag.map { ", median \($0) events before the flag" } ?? ""))
            print("  benign wrongly flagged: \(a.benignFlagged.count)/\(a.benignAccounts)"
                  + (a.benignFlagged.isEmpty ? "" : " (" + a.benignFlagged.prefix(10).joined(separator: ", ") + ")"))
        }
    }
}
