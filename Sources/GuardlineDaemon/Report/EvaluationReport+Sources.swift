import GuardlineDetectors

extension EvaluationReport {
    /// Recall at each fixed benign false-positive rate, per source and pooled, with bootstrap intervals.
    func writeOperatingPoints(into writer: inout HTMLWriter) {
        guard !evaluation.operatingPoints.isEmpty else { return }
        writer.element("section", [("id", "recall-at-fpr")]) { section in
            section.element("h2", text: "Recall at fixed benign false-positive rates")
            section.element("p", [("class", "note")],
                            text: "The overall score is cut so that at most the stated share of the benign events fires (ties at the cut do not fire); "
                                + "intervals are 95 % percentile-bootstrap intervals resampling the benign and the attack events.")
            for point in evaluation.operatingPoints {
                section.element("table", [("class", "metrics")]) { table in
                    table.element("caption", text: "Recall at \(Self.percent(point.targetRate)) benign FPR "
                                  + "(\(point.allowedFalsePositives) of \(point.poolSize) benign events may fire)")
                    headerRow(["source", "attacks", "caught", "recall", "95 % interval", "score cut", "benign FPR at cut"], into: &table)
                    for fold in point.folds {
                        operatingRow(fold.name, fold.estimate, cut: fold.cut, rate: fold.achievedRate, overall: false, into: &table)
                    }
                    operatingRow("pooled", point.pooled, cut: nil, rate: nil, overall: true, into: &table)
                }
            }
        }
    }

    /// Shipped (as fired) recall and FPR per `source`, `channel` and `family` field.
    func writeBreakdowns(into writer: inout HTMLWriter) {
        let tables = [("source", evaluation.sources), ("channel", evaluation.channels), ("family", evaluation.families)]
            .filter { $0.1.count > 1 || ($0.1.keys.first.map { $0 != "—" } ?? false) }
        guard !tables.isEmpty else { return }
        writer.element("section", [("id", "breakdowns")]) { section in
            section.element("h2", text: "By source, channel and family (overall)")
            for (field, table) in tables {
                section.element("table") { html in
                    html.element("caption", text: "Overall result per event \(field)")
                    headerRow([field, "attack", "benign", "TP", "FN", "FP", "TN", "recall (TPR)", "FPR"], into: &html)
                    for (name, confusion) in table.sorted(by: { $0.key < $1.key }) {
                        html.element("tr") { row in
                            row.element("td", [("class", "name")], text: name)
                            let attacks = confusion.truePositives + confusion.falseNegatives
                            let benign = confusion.falsePositives + confusion.trueNegatives
                            for count in [attacks, benign, confusion.truePositives, confusion.falseNegatives, confusion.falsePositives, confusion.trueNegatives] {
                                row.element("td", [("class", "number")], text: String(count))
                            }
                            row.element("td", [("class", "number")], text: attacks == 0 ? "—" : HTMLWriter.decimal(confusion.truePositiveRate, places: 3))
                            row.element("td", [("class", "number")], text: benign == 0 ? "—" : HTMLWriter.decimal(confusion.falsePositiveRate, places: 3))
                        }
                    }
                }
            }
        }
    }

    private func operatingRow(_ name: String, _ estimate: RecallAtFalsePositiveRate.Estimate, cut: Double?, rate: Double?, overall: Bool,
                              into writer: inout HTMLWriter) {
        writer.element("tr", overall ? [("class", "overall")] : []) { row in
            row.element("td", [("class", "name")], text: name)
            row.element("td", [("class", "number")], text: String(estimate.attacks))
            row.element("td", [("class", "number")], text: String(estimate.detected))
            row.element("td", [("class", "number")], text: HTMLWriter.decimal(estimate.recall, places: 3))
            row.element("td", [("class", "number")],
                        text: "\(HTMLWriter.decimal(estimate.lower, places: 3)) – \(HTMLWriter.decimal(estimate.upper, places: 3))")
            row.element("td", [("class", "number")], text: cut.map { HTMLWriter.decimal($0, places: 4) } ?? "")
            row.element("td", [("class", "number")], text: rate.map { HTMLWriter.decimal($0, places: 4) } ?? "")
        }
    }

    static func percent(_ rate: Double) -> String {
        var text = Substring(HTMLWriter.decimal(rate * 100, places: 3))
        while text.hasSuffix("0") { text = text.dropLast() }
        if text.hasSuffix(".") { text = text.dropLast() }
        return text + " %"
    }
}
