import Foundation
import GuardlineDaemon
import GuardlineDetectors

/// Formats the result of `guardline train` as a table for people or as JSON for scripts.
enum TrainingReportRenderer {
    static func render(_ result: Trainer.Result, output: String, json: Bool) -> String {
        let report = result.report
        let model = report.model
        if json {
            var object: [String: Any] = [
                "model": output, "name": model.name, "bytes": result.fileBytes, "seed": model.metadata.seed,
                "epochs": model.metadata.epochs, "buckets": model.settings.bucketCount,
                "character_grams": model.settings.usesCharacterGrams
                    ? "\(model.settings.characterGrams.lowerBound)-\(model.settings.characterGrams.upperBound)" : "none",
                "training_events": report.trainingEvents, "training_attacks": report.trainingAttacks,
                "held_out_events": report.heldOutIDs.count, "skipped": result.skipped,
                "recommended_threshold": model.recommendedThreshold,
                "ns_per_event": (result.nanosecondsPerEvent * 10).rounded() / 10,
                "held_out_categories": report.heldOutCategories.mapValues(row),
                "evaluations": Dictionary(result.evaluations.map { ($0.file, row($0.metrics)) }, uniquingKeysWith: { first, _ in first }),
                "evaluations_at_thresholds": Dictionary(result.evaluationsAtThresholds.map { ($0.file, $0.metrics.map(row)) },
                                                        uniquingKeysWith: { first, _ in first }),
            ]
            object["held_out_at_0_5"] = report.heldOutAtHalf.map(row) ?? NSNull()
            object["held_out"] = report.heldOutAtRecommended.map(row) ?? NSNull()
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        var lines: [String] = []
        lines.append("trained '\(model.name)' on \(report.trainingEvents) events (\(report.trainingAttacks) attacks), "
                     + "seed \(model.metadata.seed), \(model.metadata.epochs) epochs, \(model.settings.bucketCount) buckets, "
                     + "character n-grams " + (model.settings.usesCharacterGrams
                         ? "\(model.settings.characterGrams.lowerBound)-\(model.settings.characterGrams.upperBound)" : "none")
                     + (result.skipped > 0 ? "; \(result.skipped) lines skipped" : ""))
        lines.append("wrote \(output) (\(result.fileBytes) bytes)")
        lines.append("")
        lines.append("held out: \(report.heldOutIDs.count) events".padding(toLength: 34, withPad: " ", startingAt: 0)
                     + "   TP    FP    TN    FN   TPR    FPR    prec   F1     AUC")
        if let half = report.heldOutAtHalf { lines.append(line("threshold 0.50", half)) }
        if let recommended = report.heldOutAtRecommended {
            lines.append(line(String(format: "threshold %.4f (recommended)", recommended.threshold), recommended))
        }
        if !report.heldOutCategories.isEmpty {
            lines.append("")
            lines.append("held out, by category (recommended threshold)")
            for (category, metrics) in report.heldOutCategories.sorted(by: { $0.key < $1.key }) {
                lines.append(line("  " + category, metrics, area: false))
            }
        }
        for (index, (file, metrics)) in result.evaluations.enumerated() {
            lines.append("")
            lines.append("evaluated (not trained on): \(file)")
            lines.append(line(String(format: "threshold %.4f", metrics.threshold), metrics))
            for extra in index < result.evaluationsAtThresholds.count ? result.evaluationsAtThresholds[index].metrics : [] {
                lines.append(line(String(format: "threshold %.4f", extra.threshold), extra))
            }
        }
        lines.append("")
        lines.append(String(format: "recommended threshold %.4f (held-out FPR <= 1 %%, never below 0.5)", model.recommendedThreshold))
        lines.append(String(format: "scoring cost: %.0f ns/event on bench events (~570 bytes of text and a tool call)",
                            result.nanosecondsPerEvent))
        return lines.joined(separator: "\n")
    }

    private static func line(_ name: String, _ m: ClassifierMetrics, area: Bool = true) -> String {
        name.padding(toLength: 34, withPad: " ", startingAt: 0)
            + String(format: "%5d %5d %5d %5d   %.3f  %.3f  %.3f  %.3f", m.truePositives, m.falsePositives, m.trueNegatives,
                     m.falseNegatives, m.truePositiveRate, m.falsePositiveRate, m.precision, m.f1)
            + (area ? String(format: "  %.4f", m.areaUnderCurve) : "")
    }

    private static func row(_ m: ClassifierMetrics) -> [String: Any] {
        ["threshold": m.threshold, "tp": m.truePositives, "fp": m.falsePositives, "tn": m.trueNegatives,
         "fn": m.falseNegatives, "tpr": m.truePositiveRate, "fpr": m.falsePositiveRate, "precision": m.precision,
         "f1": m.f1, "auc": m.areaUnderCurve]
    }
}
