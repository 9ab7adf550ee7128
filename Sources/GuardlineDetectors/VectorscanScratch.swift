import CVectorscan

/// A Vectorscan scratch space: the per-thread working memory `hs_scan` needs.
/// One owner, freed on deinit. Never shared between threads while scanning.
final class VectorscanScratch {
    /// The `hs_scratch_t *`.
    let handle: OpaquePointer

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        hs_free_scratch(handle)
    }

    /// Allocates one scratch large enough for every database in `databases`
    /// (`hs_alloc_scratch` grows an existing scratch for each further database).
    static func allocate(for databases: [VectorscanDatabase]) throws(DetectorError) -> VectorscanScratch {
        var scratch: OpaquePointer?
        for database in databases {
            let status = hs_alloc_scratch(database.handle, &scratch)
            guard status == HS_SUCCESS else {
                if let scratch { hs_free_scratch(scratch) }
                throw .vectorscan(operation: "hs_alloc_scratch", code: status)
            }
        }
        guard let scratch else {
            throw .vectorscan(operation: "hs_alloc_scratch (no databases)", code: HS_INVALID)
        }
        return VectorscanScratch(handle: scratch)
    }
}

/// The state the match callback writes, in memory allocated once per scanner,
/// so recording a match costs a few stores and never allocates.
struct MatchState {
    /// Per pattern: the slot of its first match, or -1 when it has not matched.
    var firstSlot: UnsafeMutablePointer<Int32>
    /// Per pattern: the end offset of its first match.
    var firstEnd: UnsafeMutablePointer<Int>
    /// The patterns that matched, in match order (each once).
    var hitPatterns: UnsafeMutablePointer<Int32>
    var hitCount: Int
    /// The slot of the buffer being scanned (set before each `hs_scan`).
    var currentSlot: Int32
}

/// Records which patterns matched where, for one scanner.
///
/// A "slot" names the buffer a match was in: 0 is the text, `1 + 2i` the name
/// and `2 + 2i` the arguments of tool call `i`.
final class VectorscanMatchRecorder {
    let state: UnsafeMutablePointer<MatchState>
    let patternCount: Int

    init(patternCount: Int) {
        self.patternCount = patternCount
        let capacity = max(patternCount, 1)
        let firstSlot = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        firstSlot.initialize(repeating: -1, count: capacity)
        let firstEnd = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        firstEnd.initialize(repeating: 0, count: capacity)
        let hitPatterns = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        hitPatterns.initialize(repeating: 0, count: capacity)
        state = .allocate(capacity: 1)
        state.initialize(to: MatchState(
            firstSlot: firstSlot, firstEnd: firstEnd, hitPatterns: hitPatterns, hitCount: 0, currentSlot: 0))
    }

    deinit {
        state.pointee.firstSlot.deallocate()
        state.pointee.firstEnd.deallocate()
        state.pointee.hitPatterns.deallocate()
        state.deallocate()
    }

    /// The `match_event_handler`: marks pattern `id` as hit in the current slot
    /// the first time it matches. Returns 0 so the scan continues (other
    /// patterns may still match); HS_FLAG_SINGLEMATCH stops repeats of this one.
    static let onMatch: @convention(c) (UInt32, UInt64, UInt64, UInt32, UnsafeMutableRawPointer?) -> Int32 = {
        id, _, to, _, context in
        guard let state = context?.assumingMemoryBound(to: MatchState.self) else { return 0 }
        let pattern = Int(id)
        if state.pointee.firstSlot[pattern] < 0 {
            state.pointee.firstSlot[pattern] = state.pointee.currentSlot
            state.pointee.firstEnd[pattern] = Int(to)
            state.pointee.hitPatterns[state.pointee.hitCount] = Int32(id)
            state.pointee.hitCount += 1
        }
        return 0
    }

    /// Records a match found outside Vectorscan (a `ByteRunPattern`), exactly
    /// as the callback would: only a pattern's first match counts.
    func record(pattern: Int, slot: Int32, end: Int) {
        guard state.pointee.firstSlot[pattern] < 0 else { return }
        state.pointee.firstSlot[pattern] = slot
        state.pointee.firstEnd[pattern] = end
        state.pointee.hitPatterns[state.pointee.hitCount] = Int32(pattern)
        state.pointee.hitCount += 1
    }

    /// How many distinct patterns matched since the last reset.
    var hitCount: Int { state.pointee.hitCount }

    /// The `index`-th pattern that matched.
    func hitPattern(_ index: Int) -> Int { Int(state.pointee.hitPatterns[index]) }

    /// Where `pattern` first matched, or nil when it did not.
    func firstMatch(of pattern: Int) -> (slot: Int, end: Int)? {
        let slot = state.pointee.firstSlot[pattern]
        return slot < 0 ? nil : (Int(slot), state.pointee.firstEnd[pattern])
    }

    /// Forgets the matches of the last event, touching only the patterns that hit.
    func reset() {
        for index in 0..<state.pointee.hitCount {
            state.pointee.firstSlot[Int(state.pointee.hitPatterns[index])] = -1
        }
        state.pointee.hitCount = 0
    }
}
