/// The one parser for human durations, used by the config file, detector
/// files and CLI flags: `90s`, `15m`, `2h`, `1d`, `2w`, `250ms`, combinations
/// like `1h30m`, decimals like `1.5h`. Each unit may appear once.
public enum DurationText {
    public struct InvalidDuration: Error, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public init(text: String, reason: String) {
            self.text = text
            self.reason = reason
        }
        public var description: String { "invalid duration '\(text)': \(reason)" }
    }

    private static let unitSeconds: [String: Double] = [
        "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800,
    ]

    /// Seconds in `text`; throws with the reason it is not a duration.
    public static func seconds(_ text: String) throws(InvalidDuration) -> Double {
        let characters = Array(text.trimmingSpaces)
        guard !characters.isEmpty else {
            throw InvalidDuration(text: text, reason: "empty; use a number and a unit, e.g. 2h or 1h30m")
        }
        var total = 0.0
        var number = ""
        var used = Set<String>()
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isASCII, character.isNumber || character == "." {
                number.append(character)
                index += 1
                continue
            }
            var unit = String(character)
            if character == "m", index + 1 < characters.count, characters[index + 1] == "s" {
                unit = "ms"
            }
            guard let seconds = unitSeconds[unit] else {
                throw InvalidDuration(text: text, reason: "unknown unit '\(character)' (use s, m, h, d or w)")
            }
            guard !number.isEmpty else {
                throw InvalidDuration(text: text, reason: "expected a number before '\(unit)'")
            }
            guard let value = Double(number) else {
                throw InvalidDuration(text: text, reason: "'\(number)' is not a number")
            }
            guard used.insert(unit).inserted else {
                throw InvalidDuration(text: text, reason: "unit '\(unit)' appears twice")
            }
            total += value * seconds
            number = ""
            index += unit.count
        }
        guard number.isEmpty else {
            throw InvalidDuration(text: text, reason: "missing unit after \(number) (use s, m, h, d or w)")
        }
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
