import Foundation
import GuardlineDetectors

/// Recall at a fixed false-positive rate, as `guardline eval` prints it (table) and writes it (JSON).
enum EvalRendering {
    static func percent(_ rate: Double) -> String {
        let text = String(format: "%.3f", rate * 100)
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return trimmed + " %"
    }

    /// One row per fold (source) and a pooled row; `benignRates`, when given, is each fold's own benign FPR at its cut.
    static func table(_ point: RecallAtFalsePositiveRate, benignRates: [Double]? = nil) -> String {
        var out = "recall at \(percent(point.targetRate)) benign FPR (\(point.allowedFalsePositives) of \(point.poolSize) benign may fire; 95 % bootstrap interval)\n"
        out += "source".padding(toLength: 28, withPad: " ", startingAt: 0) + " attacks  caught  recall  interval         score cut  pool FPR"
            + (benignRates == nil ? "" : "  own benign FPR") + "\n"
        for (index, fold) in point.folds.enumerated() {
            out += row(fold.name, fold.estimate) + String(format: "  %9.4f  %8.4f", fold.cut, fold.achievedRate)
                + (benignRates.map { String(format: "  %14.4f", $0[index]) } ?? "") + "\n"
        }
        out += row("pooled", point.pooled) + "\n"
        return out
    }

    private static func row(_ name: String, _ estimate: RecallAtFalsePositiveRate.Estimate) -> String {
        name.padding(toLength: 28, withPad: " ", startingAt: 0)
            + String(format: " %7d %7d   %.3f  [%.3f, %.3f]", estimate.attacks, estimate.detected, estimate.recall, estimate.lower, estimate.upper)
    }

    static func json(_ point: RecallAtFalsePositiveRate) -> [String: Any] {
        func estimate(_ e: RecallAtFalsePositiveRate.Estimate) -> [String: Any] {
            ["attacks": e.attacks, "detected": e.detected, "recall": e.recall, "lower": e.lower, "upper": e.upper]
        }
        return [
            "target_fpr": point.targetRate, "pool_events": point.poolSize, "allowed_false_positives": point.allowedFalsePositives,
            "pooled": estimate(point.pooled),
            "sources": point.folds.map { fold -> [String: Any] in
                var object = estimate(fold.estimate)
                object["source"] = fold.name
                object["cut"] = fold.cut
                object["pool_fpr"] = fold.achievedRate
                return object
            },
        ]
    }
}
