import Foundation

/// Parses a duration such as `90s`, `15m`, `2h`, `1d`, `2w` or `1h30m` into seconds.
///
/// Each component is a number (decimals allowed, `1.5h`) followed by one unit:
/// `s` seconds, `m` minutes, `h` hours, `d` days, `w` weeks. A unit may appear once.
///
/// - Throws: `StoreError.invalidDuration` naming what was wrong.
public func parseDuration(_ text: String) throws -> TimeInterval {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else {
        throw StoreError.invalidDuration(text: text, reason: "empty; use a number and a unit, e.g. 2h or 1h30m")
    }
    let unitSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    var total = 0.0
    var number = ""
    var usedUnits = Set<Character>()
    for character in trimmed {
        if character.isASCII, character.isNumber || character == "." {
            number.append(character)
            continue
        }
        guard let seconds = unitSeconds[character] else {
            throw StoreError.invalidDuration(text: text, reason: "unknown unit '\(character)' (use s, m, h, d or w)")
        }
        guard !number.isEmpty else {
            throw StoreError.invalidDuration(text: text, reason: "expected a number before '\(character)'")
        }
        guard let value = Double(number) else {
            throw StoreError.invalidDuration(text: text, reason: "'\(number)' is not a number")
        }
        guard usedUnits.insert(character).inserted else {
            throw StoreError.invalidDuration(text: text, reason: "unit '\(character)' appears twice")
        }
        total += value * seconds
        number = ""
    }
    guard number.isEmpty else {
        throw StoreError.invalidDuration(text: text, reason: "missing unit after \(number) (use s, m, h, d or w)")
    }
    return total
}
