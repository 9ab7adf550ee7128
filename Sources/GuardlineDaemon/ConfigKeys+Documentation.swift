import Foundation

/// The key table of the Configuration article, rendered from `ConfigKeys.all`
/// so the documentation cannot drift from what the loader accepts. A test
/// (`ConfigurationArticleTests`) compares it with the article and rewrites
/// the article on request.
extension ConfigKeys {
    /// The markers around the generated table in `Configuration.md`.
    static let documentationBegin = "<!-- BEGIN generated from ConfigKeys.all: edit the table there, not here -->"
    static let documentationEnd = "<!-- END generated from ConfigKeys.all -->"

    /// One Markdown table row per key, in declaration order.
    static func documentationTable() -> String {
        var lines = [
            "| key | type | bounds | default | reload | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for key in all {
            let cells = [
                "`\(key.name)`",
                key.kind.typeName,
                key.kind.boundsText,
                "`\(key.defaultText.isEmpty ? "\"\"" : key.defaultText)`",
                key.reloadable ? "yes" : "restart",
                key.summary.replacingOccurrences(of: "|", with: "\\|"),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `article` with the text between the markers replaced by the current
    /// table; nil when the markers are missing or out of order.
    static func documentationArticle(updating article: String) -> String? {
        guard let begin = article.range(of: documentationBegin),
              let end = article.range(of: documentationEnd, range: begin.upperBound..<article.endIndex)
        else { return nil }
        return String(article[..<begin.upperBound]) + "\n" + documentationTable() + String(article[end.lowerBound...])
    }
}

extension ConfigKey.Kind {
    var typeName: String {
        switch self {
        case .string: "string"
        case .address(let allowEmpty): allowEmpty ? "`HOST:PORT` or empty" : "`HOST:PORT`"
        case .choice: "choice"
        case .integer: "integer"
        case .number: "number"
        case .duration: "duration"
        case .boolean: "boolean"
        }
    }

    var boundsText: String {
        switch self {
        case .string, .address, .boolean: "—"
        case .choice(let values): values.map { "`\($0)`" }.joined(separator: ", ")
        case .integer(let range): "\(Self.integer(range.lowerBound)) … \(Self.integer(range.upperBound))"
        case .number(let range): "\(Self.number(range.lowerBound)) … \(Self.number(range.upperBound))"
        case .duration(let range): "\(Self.duration(range.lowerBound)) … \(Self.duration(range.upperBound))"
        }
    }

    /// `1024`, `67,108,864`: digits grouped from five digits on, for reading.
    static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        guard digits.count >= 5 else { return String(value) }
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `3`, `0.25`, `1e9`: whole numbers without a fraction, large ones in exponent form.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e6 { return String(Int(value)) }
        if value == value.rounded() {
            let exponent = Int(log10(abs(value)).rounded())
            if pow(10, Double(exponent)) == abs(value) { return (value < 0 ? "-" : "") + "1e\(exponent)" }
        }
        return String(value)
    }

    /// Seconds in the largest unit `DurationText` reads that divides them: `500ms`, `1m`, `365d`.
    static func duration(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        for (unit, size) in [("w", 604_800.0), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        where seconds >= size && (seconds / size).rounded() == seconds / size {
            return "\(Int(seconds / size))\(unit)"
        }
        let milliseconds = seconds * 1000
        return milliseconds.rounded() == milliseconds ? "\(Int(milliseconds))ms" : "\(seconds)s"
    }
}
