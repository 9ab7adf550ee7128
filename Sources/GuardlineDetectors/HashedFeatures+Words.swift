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
    /// same hashes, same order. Separators are skipped by an inner loop and
    /// each word is packed and hashed by another, so the common path per
    /// byte is a table load, a test and a shift, with no state carried for
    /// character n-grams.
    @inline(__always)
    public static func forEachWord(in field: Bytes, settings: FeatureSettings, _ visit: (UInt64) -> Void) {
        guard let base = field.baseAddress, field.count > 0 else { return }
        let count = min(field.count, settings.maximumBytesPerField)
        let unigrams = settings.wordUnigrams, bigrams = settings.wordBigrams, hashing = settings.wordHashing
        var previousWord: UInt64 = 0
        var hasPreviousWord = false
        byteClasses.withUnsafeBufferPointer { classes in
            var index = 0
            while index < count {
                var folded = classes[Int(base[index])]
                index += 1
                if folded == 0 { continue }
                var wordHash = fnvOffset
                var chunk = UInt64(folded)
                var chunkLength = 1
                while index < count {
                    folded = classes[Int(base[index])]
                    if folded == 0 { break }
                    index += 1
                    appendToWord(folded, hash: &wordHash, chunk: &chunk, chunkLength: &chunkLength)
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
