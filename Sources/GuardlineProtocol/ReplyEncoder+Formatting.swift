/// String escaping and number formatting for `ReplyEncoder`, without Foundation
/// and without `String(describing:)`.
extension ReplyEncoder {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `text` as a quoted JSON string. `text` must be valid UTF-8 (views from
    /// `EventParser` are: it validated the line); non-ASCII bytes pass through unchanged.
    public mutating func appendString(_ text: Bytes) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                index += 1
                continue
            }
            if runStart < index { bytes.append(contentsOf: Bytes(rebasing: text[runStart..<index])) }
            appendEscaped(byte)
            index += 1
            runStart = index
        }
        if runStart < count { bytes.append(contentsOf: Bytes(rebasing: text[runStart..<count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `text` as a quoted JSON string.
    public mutating func appendString(_ text: String) {
        var text = text
        text.withUTF8 { appendString($0) }
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(UInt8(ascii: "\""))
        case 0x5C: bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            appendLiteral("u00")
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Appends `value` with at most 4 decimals, trailing zeros trimmed: 0.83, 1, 0.0123,
    /// 1234.5. Non-finite values are written as 0 (JSON has no NaN or infinity); magnitudes
    /// of 1e14 and above, never seen for scores, use exponent notation.
    public mutating func appendNumber(_ value: Double) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let magnitude = value.magnitude
        if magnitude >= 1e14 {
            appendExponential(value)
            return
        }
        // Split before scaling: magnitude * 10_000 would lose the fraction's digits for
        // large values, while magnitude - whole is exact.
        var whole = magnitude.rounded(.down)
        var fraction = UInt64(((magnitude - whole) * 10_000).rounded())
        if fraction == 10_000 {
            whole += 1
            fraction = 0
        }
        let integer = UInt64(whole)
        if integer == 0 && fraction == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(integer)
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var divisor: UInt64 = 1_000
        while fraction != 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// `d.dddde±x` for values too large for the fixed form.
    private mutating func appendExponential(_ value: Double) {
        var exponent = 0
        var mantissa = value.magnitude
        while mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendNumber(mantissa)
        bytes.append(UInt8(ascii: "e"))
        appendDigits(UInt64(exponent))
    }

    private mutating func appendDigits(_ value: UInt64) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest != 0
        bytes[start...].reverse()
    }
}
