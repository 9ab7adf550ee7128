import GuardlineProtocol

/// A pattern of the exact shape `[class]{N,}` (or `{N}`, `{N,M}`): a run of at
/// least N bytes from one ASCII byte class, such as the encoded-blob pattern
/// `[A-Za-z0-9+/]{200,}`. `RuleEngine` recognises these and matches them here
/// instead of in Vectorscan.
///
/// Why: such a pattern has no literal for Vectorscan to anchor on, so it runs
/// a class-repeat engine over every byte of every field, a large share of the
/// whole scan (`Fixtures/scan-cost/instructions.sh` counts it). A run of N bytes must contain
/// byte `i` for some `i` in every window of N positions, so the search here
/// probes one byte per N positions and walks back only from a byte in the
/// class: on ordinary text, a handful of loads per field.
///
/// Same match as Vectorscan with `HS_FLAG_SINGLEMATCH`: the first match ends
/// where the first run reaches N bytes (tested against Vectorscan on random
/// input).
public struct ByteRunPattern: Sendable, Equatable {
    /// 256 bits: whether each byte value is in the class. Four words rather
    /// than an array, so the pattern is a plain value the scanner can keep
    /// in unmanaged memory without reference counting per event.
    private let members: (UInt64, UInt64, UInt64, UInt64)
    /// The run length that makes a match (N), at least `minimumUsefulLength`.
    public let minimumLength: Int

    /// Shorter runs are left to Vectorscan: the skip only pays off when it
    /// jumps far, and short class repeats are rarely alone in a pattern.
    public static let minimumUsefulLength = 8

    init(members: [UInt64], minimumLength: Int) {
        self.members = (members[0], members[1], members[2], members[3])
        self.minimumLength = minimumLength
    }

    public static func == (left: ByteRunPattern, right: ByteRunPattern) -> Bool {
        left.members == right.members && left.minimumLength == right.minimumLength
    }

    /// Whether `byte` is in the class.
    @inline(__always)
    public func contains(_ byte: UInt8) -> Bool {
        let word = switch byte >> 6 {
        case 0: members.0
        case 1: members.1
        case 2: members.2
        default: members.3
        }
        return word & (1 << UInt64(byte & 63)) != 0
    }

    /// The end offset (exclusive) of the first run of `minimumLength` class
    /// bytes in `bytes`, or nil when there is none.
    public func firstMatchEnd(in bytes: Bytes) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count, length = minimumLength
        // `last` is the last byte of a candidate run [last - length + 1, last].
        var last = length - 1
        while last < count {
            var probe = last
            let floor = last - length + 1
            while probe >= floor && contains(base[probe]) { probe -= 1 }
            if probe < floor { return last + 1 }
            // No run that completes before `probe + length` can include `probe`.
            last = probe + length
        }
        return nil
    }

    /// Recognises `[class]{N,}`, `[class]{N}` or `[class]{N,M}` with N of at
    /// least `minimumUsefulLength`, where the class is a plain, non-negated
    /// set of ASCII characters, ranges, escaped punctuation, `\d`, `\w` or
    /// `\xHH`. Anything else (including `\s`, whose members differ between
    /// engines, and non-ASCII bytes in UTF-8 mode) returns nil and stays with
    /// Vectorscan, which is always correct, only slower. In UTF-8 mode (UCP)
    /// `\d`, `\w` and caseless letters reach beyond ASCII (Arabic-Indic
    /// digits, the Kelvin sign for `k`), so such patterns stay there too.
    public static func recognise(_ expression: String, caseSensitive: Bool, utf8: Bool) -> ByteRunPattern? {
        guard !(utf8 && !caseSensitive) else { return nil }
        let characters = Array(expression.utf8)
        guard characters.first == UInt8(ascii: "["), characters.count > 2,
              characters[1] != UInt8(ascii: "^"), characters[1] != UInt8(ascii: "]"),
              let close = characters.firstIndex(of: UInt8(ascii: "]")),
              let minimum = parseBounds(characters[(close + 1)...]), minimum >= minimumUsefulLength,
              var members = parseClass(characters[1..<close], utf8: utf8)
        else { return nil }
        if !caseSensitive {
            for letter in UInt8(ascii: "a")...UInt8(ascii: "z") {
                let upper = letter - 0x20
                let either = isSet(members, letter) || isSet(members, upper)
                if either { set(&members, letter); set(&members, upper) }
            }
        }
        return ByteRunPattern(members: members, minimumLength: minimum)
    }

    /// `{N,}`, `{N}` or `{N,M}` (M ≥ N) and nothing after: returns N.
    private static func parseBounds(_ text: ArraySlice<UInt8>) -> Int? {
        guard text.first == UInt8(ascii: "{"), text.last == UInt8(ascii: "}") else { return nil }
        let inner = String(decoding: text.dropFirst().dropLast(), as: UTF8.self)
        let parts = inner.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, first.allSatisfy({ ("0"..."9").contains($0) }), let minimum = Int(first), minimum < 1 << 20
        else { return nil }
        if parts.count == 2, !parts[1].isEmpty {
            guard parts[1].allSatisfy({ ("0"..."9").contains($0) }), let maximum = Int(parts[1]), maximum >= minimum else { return nil }
        }
        return minimum
    }

    private static func parseClass(_ text: ArraySlice<UInt8>, utf8: Bool) -> [UInt64]? {
        var members = [UInt64](repeating: 0, count: 4)
        // A byte value, or `shorthand` (\d, \w: cannot bound a range), or
        // `dash` (an unescaped '-', which may make a range).
        let shorthand = -1, dash = -2
        var items: [Int] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index += 1
            guard character < 0x80 else { return nil }
            guard character == UInt8(ascii: "\\") else {
                items.append(character == UInt8(ascii: "-") ? dash : Int(character))
                continue
            }
            guard index < text.endIndex else { return nil }
            let escaped = text[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "d"):
                guard !utf8 else { return nil }
                for digit in UInt8(ascii: "0")...UInt8(ascii: "9") { set(&members, digit) }
                items.append(shorthand)
            case UInt8(ascii: "w"):
                guard !utf8 else { return nil }
                for byte in 0..<UInt8(128) where isWordCharacter(byte) { set(&members, byte) }
                items.append(shorthand)
            case UInt8(ascii: "x"):
                guard index + 2 <= text.endIndex,
                      let value = UInt8(String(decoding: text[index..<index + 2], as: UTF8.self), radix: 16),
                      value < 0x80 || !utf8
                else { return nil }
                index += 2
                items.append(Int(value))
            default:
                // Only escaped punctuation is a plain character; `\s`, `\b`, `\p` … are not.
                guard !isWordCharacter(escaped), escaped >= 0x20 else { return nil }
                items.append(Int(escaped))
            }
        }
        var position = 0
        while position < items.count {
            // A '-' between two characters is a range; at either end it is itself.
            if position + 2 < items.count, items[position + 1] == dash,
               items[position] >= 0, items[position + 2] >= 0 {
                let low = UInt8(items[position]), high = UInt8(items[position + 2])
                guard low <= high else { return nil }
                for byte in low...high { set(&members, byte) }
                position += 3
                continue
            }
            switch items[position] {
            case dash: set(&members, UInt8(ascii: "-"))
            case shorthand: break
            default: set(&members, UInt8(items[position]))
            }
            position += 1
        }
        return members
    }

    private static func isWordCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_")
    }

    private static func isSet(_ members: [UInt64], _ byte: UInt8) -> Bool {
        members[Int(byte >> 6)] & (1 << UInt64(byte & 63)) != 0
    }

    private static func set(_ members: inout [UInt64], _ byte: UInt8) {
        members[Int(byte >> 6)] |= 1 << UInt64(byte & 63)
    }
}
