import Foundation

/// `guardline eval --report PATH`: the evaluation as one self-contained HTML
/// page — inline CSS and inline SVG drawn here, no scripts, no other files —
/// so it can be attached to a ticket or opened from disk offline.
///
/// The page has a summary of the inputs, the metrics of every detector and
/// overall, confusion matrices, score histograms, PR and ROC curves from the
/// threshold sweep, recall per category and, when ground truth was given, the
/// account-level results. All user-supplied text is escaped by `HTMLWriter`.
public struct EvaluationReport {
    /// Where the numbers came from, shown at the top of the page.
    public struct Inputs: Sendable {
        public var files: [String]
        public var configPath: String?
        public var accountsPath: String?
        public var generatedAt: Date

        public init(files: [String], configPath: String?, accountsPath: String?, generatedAt: Date = Date()) {
            self.files = files
            self.configPath = configPath
            self.accountsPath = accountsPath
            self.generatedAt = generatedAt
        }
    }

    public var evaluation: Evaluation
    public var accounts: AccountEvaluation?
    public var inputs: Inputs

    public init(evaluation: Evaluation, accounts: AccountEvaluation?, inputs: Inputs) {
        self.evaluation = evaluation
        self.accounts = accounts
        self.inputs = inputs
    }

    /// The whole page.
    public func html() -> String {
        var writer = HTMLWriter()
        writer.doctype()
        writer.element("html", [("lang", "en")]) { html in
            html.element("head") { head in
                head.empty("meta", [("charset", "utf-8")])
                head.element("title", text: "Guardline evaluation — \(evaluation.events) events")
                head.element("style") { $0.trusted(ReportStylesheet.css) }
            }
            html.element("body") { body in
                body.element("h1", text: "Guardline detector evaluation")
                body.element("p", [("class", "note")], text: "Generated \(ISO8601DateFormatter().string(from: inputs.generatedAt)) by guardline eval.")
                writeSummary(into: &body)
                writeOverall(into: &body)
                writeCategories(into: &body)
                writeBreakdowns(into: &body)
                writeOperatingPoints(into: &body)
                writeDetectors(into: &body)
                if let accounts { writeAccounts(accounts, into: &body) }
            }
        }
        return writer.output
    }

    /// Attack and benign event counts (the overall matrix holds every labelled event once).
    var attackEvents: Int { evaluation.overall.truePositives + evaluation.overall.falseNegatives }
    var benignEvents: Int { evaluation.overall.falsePositives + evaluation.overall.trueNegatives }

    private func writeSummary(into writer: inout HTMLWriter) {
        writer.element("section", [("id", "summary")]) { section in
            section.element("h2", text: "Summary")
            section.element("dl", [("class", "summary")]) { list in
                list.element("dt", text: "Labelled events")
                list.element("dd", text: "\(evaluation.events) (\(attackEvents) attack, \(benignEvents) benign); \(evaluation.skipped) lines skipped (no label or not an event)")
                list.element("dt", text: inputs.files.count == 1 ? "Input file" : "Input files")
                list.element("dd") { item in
                    for (index, file) in inputs.files.enumerated() {
                        if index > 0 { item.empty("br") }
                        item.element("code", text: file)
                    }
                }
                list.element("dt", text: "Config")
                list.element("dd") { item in
                    if let config = inputs.configPath { item.element("code", text: config) } else { item.text("built-in defaults") }
                }
                if let accountsPath = inputs.accountsPath {
                    list.element("dt", text: "Account ground truth")
                    list.element("dd") { $0.element("code", text: accountsPath) }
                }
                list.element("dt", text: "Content detectors scored")
                list.element("dd", text: String(evaluation.detectors.count))
                list.element("dt", text: "Lowest threshold with FPR ≤ 1 %")
                list.element("dd", text: evaluation.thresholdForOnePercentFPR.map { "\(HTMLWriter.decimal($0, places: 2)) (overall score)" }
                             ?? "none of the swept thresholds keeps FPR at or under 1 %")
            }
        }
    }

    private func writeOverall(into writer: inout HTMLWriter) {
        writer.element("section", [("id", "overall")]) { section in
            section.element("h2", text: "Overall and per detector")
            section.element("p", [("class", "note")],
                            text: "Overall: an event counts as fired when any enforcing content detector fired on it. Shadow detectors are scored on their own rows but never count toward overall.")
            writeMetricsTable(into: &section)
            section.element("div", [("class", "charts")]) { charts in
                writeConfusion(evaluation.overall, caption: "Overall confusion matrix", into: &charts)
                // The operating point that keeps FPR at or under 1 %, as a series of its own.
                var series = [Curve(name: "overall", style: .primary, sweep: evaluation.sweep)]
                if let threshold = evaluation.thresholdForOnePercentFPR, let point = evaluation.sweep.first(where: { $0.threshold == threshold }) {
                    series.append(Curve(name: "FPR ≤ 1 % at threshold \(HTMLWriter.decimal(threshold, places: 2))", style: .highlight,
                                        sweep: [point], operatingPoint: true))
                }
                figure(caption: "Precision against recall over the swept thresholds of the overall score.", into: &charts) {
                    precisionRecallChart(id: "overall-pr", title: "PR curve — overall", series: series).render(into: &$0)
                }
                figure(caption: "True-positive rate against false-positive rate over the swept thresholds of the overall score.",
                       into: &charts) {
                    rocChart(id: "overall-roc", title: "ROC curve — overall", series: series).render(into: &$0)
                }
            }
        }
    }

    private func writeCategories(into writer: inout HTMLWriter) {
        writer.element("section", [("id", "categories")]) { section in
            section.element("h2", text: "By category (overall)")
            let categories = evaluation.categories.sorted { $0.key < $1.key }
            section.element("table") { table in
                table.element("caption", text: "Overall result per event category")
                headerRow(["category", "attack", "benign", "TP", "FN", "FP", "TN", "recall (TPR)", "FPR"], into: &table)
                for (name, confusion) in categories {
                    table.element("tr") { row in
                        row.element("td", [("class", "name")], text: name)
                        for count in [confusion.truePositives + confusion.falseNegatives, confusion.falsePositives + confusion.trueNegatives,
                                      confusion.truePositives, confusion.falseNegatives, confusion.falsePositives, confusion.trueNegatives] {
                            row.element("td", [("class", "number")], text: String(count))
                        }
                        // A rate over no events is not 0: say so.
                        let attacks = confusion.truePositives + confusion.falseNegatives
                        let benign = confusion.falsePositives + confusion.trueNegatives
                        row.element("td", [("class", "number")], text: attacks == 0 ? "—" : HTMLWriter.decimal(confusion.truePositiveRate, places: 3))
                        row.element("td", [("class", "number")], text: benign == 0 ? "—" : HTMLWriter.decimal(confusion.falsePositiveRate, places: 3))
                    }
                }
            }
            let rows = categories.filter { $0.value.truePositives + $0.value.falseNegatives > 0 }.map { name, confusion in
                SVGRateBars.Row(name: name, rate: confusion.truePositiveRate,
                                detail: "\(confusion.truePositives)/\(confusion.truePositives + confusion.falseNegatives)")
            }
            if rows.isEmpty {
                section.element("p", [("class", "note")], text: "No category holds attack events, so there is no recall to draw.")
            } else {
                figure(caption: "Recall per category: the share of its attack events on which an enforcing detector fired (categories with attacks only).",
                       into: &section) {
                    SVGRateBars(id: "category-recall", title: "Recall per category", xLabel: "recall (true-positive rate)", rows: rows)
                        .render(into: &$0)
                }
            }
        }
    }

    private func writeAccounts(_ accounts: AccountEvaluation, into writer: inout HTMLWriter) {
        writer.element("section", [("id", "accounts")]) { section in
            section.element("h2", text: "Accounts (whole pipeline replayed, policy applied)")
            section.element("table") { table in
                table.element("caption", text: "Flags compared with account ground truth")
                headerRow(["", "accounts", "flagged", "share flagged"], into: &table)
                for (name, total, flagged) in [("malicious", accounts.maliciousAccounts, accounts.maliciousFlagged),
                                               ("benign (wrongly flagged)", accounts.benignAccounts, accounts.benignFlagged.count)] {
                    table.element("tr") { row in
                        row.element("th", [("scope", "row")], text: name)
                        row.element("td", [("class", "number")], text: String(total))
                        row.element("td", [("class", "number")], text: String(flagged))
                        row.element("td", [("class", "number")], text: HTMLWriter.decimal(total == 0 ? 0 : Double(flagged) / Double(total), places: 3))
                    }
                }
            }
            section.element("p", text: accounts.medianEventsBeforeFlag.map {
                "Median events seen before a malicious account was first flagged: \($0) (over \(accounts.eventsBeforeFlag.count) flagged accounts)."
            } ?? "No malicious account was flagged.")
            if !accounts.benignFlagged.isEmpty {
                section.element("p", text: "Benign accounts wrongly flagged:")
                section.element("ul") { list in
                    for account in accounts.benignFlagged { list.element("li") { $0.element("code", text: account) } }
                }
            }
        }
    }

    /// A `<figure>` holding one chart and its caption.
    func figure(caption: String, into writer: inout HTMLWriter, _ chart: (inout HTMLWriter) -> Void) {
        writer.element("figure") { figure in
            chart(&figure)
            figure.element("figcaption", text: caption)
        }
    }

    func headerRow(_ names: [String], into writer: inout HTMLWriter) {
        writer.element("tr") { row in
            for name in names { row.element("th", [("scope", "col")], text: name) }
        }
    }
}
