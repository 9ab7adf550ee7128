/// Converts between seconds since 1970 and the ISO 8601 UTC text the schema stores
/// (`2026-11-29T08:34:42.123Z`).
///
/// Written by hand rather than with `ISO8601DateFormatter` because the writer formats
/// one timestamp per row and the formatter costs several microseconds, more than the
/// whole batched insert. Uses Howard Hinnant's days-from-civil algorithms (proleptic
/// Gregorian calendar), valid for years 0000–9999.
public enum StoreTimestamp {
    /// Formats `epochSeconds` with millisecond precision, truncating toward the past.
    public static func text(fromEpoch epochSeconds: Double) -> String {
        let totalMilliseconds = Int64((epochSeconds * 1000).rounded(.down))
        let (days, millisecondOfDay) = floorDivide(totalMilliseconds, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let secondOfDay = Int(millisecondOfDay / 1000)
        let millisecond = Int(millisecondOfDay % 1000)
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                var remaining = value
                while divisor > 0 {
                    buffer[index] = UInt8(ascii: "0") + UInt8(remaining / divisor % 10)
                    remaining %= divisor
                    divisor /= 10
                    index += 1
                }
            }
            func put(_ character: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: character)
                index += 1
            }
            put(max(0, min(9999, year)), digits: 4); put("-")
            put(month, digits: 2); put("-")
            put(day, digits: 2); put("T")
            put(secondOfDay / 3600, digits: 2); put(":")
            put(secondOfDay / 60 % 60, digits: 2); put(":")
            put(secondOfDay % 60, digits: 2); put(".")
            put(millisecond, digits: 3); put("Z")
            return index
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff…]Z`; returns nil for anything else.
    public static func epoch(fromText text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for offset in start..<(start + count) {
                let byte = bytes[offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func separator(_ offset: Int, _ character: Unicode.Scalar) -> Bool {
            bytes[offset] == UInt8(ascii: character)
        }
        guard let year = number(0, 4), separator(4, "-"), let month = number(5, 2), separator(7, "-"),
              let day = number(8, 2), separator(10, "T"), let hour = number(11, 2), separator(13, ":"),
              let minute = number(14, 2), separator(16, ":"), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard separator(19, "."), bytes.count > 21, let digits = number(20, bytes.count - 21) else { return nil }
            var scale = 1.0
            for _ in 0..<(bytes.count - 21) { scale *= 10 }
            fraction = Double(digits) / scale
        }
        let days = Self.days(fromCivilYear: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Double(seconds) + fraction
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    private static func civil(fromDays daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func days(fromCivilYear civilYear: Int, month: Int, day: Int) -> Int64 {
        let year = Int64(month <= 2 ? civilYear - 1 : civilYear)
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
