/// Parses human durations used in config files and CLI flags: `90s`, `10m`,
/// `2h`, `1d`, `1w`, combinations like `1h30m`, and a bare number of seconds.
public enum DurationText {
    public struct InvalidDuration: Error, CustomStringConvertible {
        public let text: String
        public var description: String {
            "invalid duration '\(text)': use a number with a unit s, m, h, d or w (e.g. 90s, 10m, 2h, 1h30m)"
        }
    }

    public static func seconds(_ text: String) throws(InvalidDuration) -> Double {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw InvalidDuration(text: text) }
        if let plain = Double(trimmed), plain >= 0 { return plain }
        var total = 0.0
        var number = ""
        for ch in trimmed {
            if ch.isNumber || ch == "." {
                number.append(ch)
                continue
            }
            let unit: Double
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604_800
            default: throw InvalidDuration(text: text)
            }
            guard let value = Double(number) else { throw InvalidDuration(text: text) }
            total += value * unit
            number = ""
        }
        guard number.isEmpty else { throw InvalidDuration(text: text) }
        return total
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
