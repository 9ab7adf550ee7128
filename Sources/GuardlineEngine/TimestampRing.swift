/// The last `capacity` timestamps of one kind of event for one account
/// (refusals, flagged events). Storage is allocated on first use, so quiet
/// accounts pay nothing for it.
struct TimestampRing {
    private var storage: [Double] = []
    private var next = 0

    /// Records `time`, keeping at most `capacity` entries.
    mutating func record(_ time: Double, capacity: Int) {
        guard capacity > 0 else { return }
        if storage.count < capacity {
            storage.append(time)
        } else {
            if storage.count > capacity { storage.removeFirst(storage.count - capacity); next = 0 }
            storage[next] = time
            next = (next + 1) % capacity
        }
    }

    /// Entries at or after `since`.
    func count(since: Double) -> Int {
        var n = 0
        for t in storage where t >= since { n += 1 }
        return n
    }
}

/// Event count over a sliding window, approximated with two fixed buckets
/// (the previous bucket weighted by how much of it still overlaps): exact
/// enough for a rate alarm and constant memory per account.
struct RateCounter {
    private var bucketStart: Double = 0
    private var current: Double = 0
    private var previous: Double = 0

    mutating func record(_ time: Double, window: Double) -> Double {
        if time >= bucketStart + 2 * window {
            bucketStart = time
            previous = 0
            current = 0
        } else if time >= bucketStart + window {
            bucketStart += window
            previous = current
            current = 0
        }
        current += 1
        let overlap = max(0, 1 - (time - bucketStart) / window)
        return current + previous * overlap
    }
}
