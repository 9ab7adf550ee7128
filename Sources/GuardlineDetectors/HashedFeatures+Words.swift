import GuardlineProtocol

extension HashedFeatures {
    /// Per byte: 0 for a separator, otherwise the byte ASCII-case-folded
    /// (never 0, since word bytes are digits, letters or ≥ 0x80). One load
    /// replaces the folding and the three range tests of the general loop,
    /// which cost about a third of a word-only model's scoring time.
    static let byteClasses: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        return isWordByte(byte) ? folded(byte) : 0
    }

    /// The word unigram and bigram features of one field, exactly as
    /// `forEachGeneral` visits them when a model has no character n-grams:
    /// same hashes, same order.
    ///
    /// Eight bytes at a time while eight remain: one unaligned load is
    /// classified (separator or word byte) and case-folded with word-wide
    /// arithmetic (`WordBytes`). A word's full 8-byte chunks are exactly the
    /// reference's packed chunks after a byte swap, and the first separator's
    /// position (a trailing-zero count) ends the word, so most words cost a
    /// load or two and one branch instead of a load, test and branch per
    /// byte. The last bytes of a field go through the byte table.
    @inline(__always)
    public static func forEachWord(in field: Bytes, settings: FeatureSettings, _ visit: (UInt64) -> Void) {
        guard let base = field.baseAddress, field.count > 0 else { return }
        let count = min(field.count, settings.maximumBytesPerField)
        let unigrams = settings.wordUnigrams, bigrams = settings.wordBigrams, hashing = settings.wordHashing
        let raw = UnsafeRawPointer(base)
        var previousWord: UInt64 = 0
        var hasPreviousWord = false
        byteClasses.withUnsafeBufferPointer { classes in
            var index = 0
            while index < count {
                // Skip separators, eight at a time where possible.
                if index + 8 <= count {
                    let words = WordBytes.wordMask(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                    if words == 0 {
                        index += 8
                        continue
                    }
                    index += words.trailingZeroBitCount >> 3
                } else if classes[Int(base[index])] == 0 {
                    index += 1
                    continue
                }
                // A word starts at `index`.
                var wordHash = fnvOffset
                var chunk: UInt64 = 0
                var chunkLength = 0
                while index + 8 <= count {
                    let bytes = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    let separators = ~WordBytes.wordMask(bytes) & WordBytes.highBits
                    let packed = WordBytes.folded(bytes).byteSwapped
                    if separators == 0 {
                        wordHash = (wordHash ^ packed) &* fnvPrime
                        index += 8
                        continue
                    }
                    let length = separators.trailingZeroBitCount >> 3
                    chunk = length == 0 ? 0 : packed >> UInt64(64 - 8 * length)
                    chunkLength = length
                    index += length
                    break
                }
                if index + 8 > count {
                    // The field's last bytes, one at a time, continuing the chunk.
                    while index < count {
                        let folded = classes[Int(base[index])]
                        if folded == 0 { break }
                        index += 1
                        chunk = (chunk << 8) | UInt64(folded)
                        chunkLength += 1
                        if chunkLength == 8 {
                            wordHash = (wordHash ^ chunk) &* fnvPrime
                            chunk = 0
                            chunkLength = 0
                        }
                    }
                }
                // A word of exactly 8k bytes ends with an empty chunk, which
                // the general loop still folds in: so does this one.
                wordHash = mix((wordHash ^ chunk) &* fnvPrime ^ UInt64(chunkLength))
                wordFeatures(wordHash, previous: hasPreviousWord ? previousWord : nil, unigrams: unigrams, bigrams: bigrams,
                             hashing: hashing, visit)
                previousWord = wordHash
                hasPreviousWord = true
            }
        }
    }
}

/// Eight bytes in a `UInt64` (first byte lowest), classified and folded at
/// once. Every sum below stays inside its byte: the ASCII tests add to 7-bit
/// values (the high bit is masked off first), so no carry crosses bytes.
enum WordBytes {
    static let highBits: UInt64 = 0x8080_8080_8080_8080
    static let lowSeven: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    static let ones: UInt64 = 0x0101_0101_0101_0101

    /// 0x80 in each byte whose 7-bit value lies in `low...high` (ASCII, 1 ≤ low ≤ high ≤ 0x7E).
    @inline(__always)
    static func inRange(_ sevenBits: UInt64, _ low: UInt64, _ high: UInt64) -> UInt64 {
        let atLeastLow = sevenBits &+ ones &* (0x80 - low)
        let aboveHigh = sevenBits &+ ones &* (0x7F - high)
        return atLeastLow & ~aboveHigh & highBits
    }

    /// 0x80 in each word byte (≥ 0x80, ASCII digit or letter), 0 elsewhere:
    /// the same split as `HashedFeatures.isWordByte`.
    @inline(__always)
    static func wordMask(_ bytes: UInt64) -> UInt64 {
        let sevenBits = bytes & lowSeven
        let digits = inRange(sevenBits, 0x30, 0x39)
        let letters = inRange(sevenBits | 0x2020_2020_2020_2020, 0x61, 0x7A)
        return (bytes & highBits) | ((digits | letters) & ~bytes)
    }

    /// ASCII A–Z lowered, every other byte unchanged: `HashedFeatures.folded` on each byte.
    @inline(__always)
    static func folded(_ bytes: UInt64) -> UInt64 {
        let upper = inRange(bytes & lowSeven, 0x41, 0x5A) & ~bytes
        return bytes | (upper >> 2)
    }
}
