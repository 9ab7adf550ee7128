import ArgumentParser
import Foundation
import GuardlineDaemon

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Event-level quality of the content detectors on labelled events: TPR, FPR, precision, F1, per category, threshold sweep.",
        discussion: "Each line is an event with \"label\": \"attack\" or \"benign\" and an optional \"category\".")

    @Argument(help: "Labelled NDJSON files.")
    var files: [String]

    @Option(help: "Config file (which detectors).")
    var config: String?

    @Option(help: "table or json.")
    var format: OutputFormatOption = .table

    @Option(help: "Ground-truth accounts (CSV `account_id,malicious` or NDJSON): also evaluate flags at account level.")
    var accounts: String?

    @Option(help: "Also write a self-contained HTML report (tables, confusion matrices, score histograms, PR and ROC curves) to this path.")
    var report: String?

    func validate() throws {
        if let accounts, !FileManager.default.fileExists(atPath: accounts) { throw ValidationError("no such file: \(accounts)") }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        let result: Evaluation
        var accountLevel: AccountEvaluation?
        do {
            result = try Evaluation.run(files: files, configPath: config)
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
        if let a = accountLevel {
            print("\naccounts (full pipeline replayed, policy applied)")
            print("  malicious flagged: \(a.maliciousFlagged)/\(a.maliciousAccounts)"
                  + (a.medianEventsBeforeFlag.map { ", median \($0) events before the flag" } ?? ""))
            print("  benign wrongly flagged: \(a.benignFlagged.count)/\(a.benignAccounts)"
                  + (a.benignFlagged.isEmpty ? "" : " (" + a.benignFlagged.prefix(10).joined(separator: ", ") + ")"))
        }
    }
}
