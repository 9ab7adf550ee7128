import Synchronization

/// Remembers which accounts of an organisation sent the same normalised text
/// recently, to catch one actor spreading the same abuse over many accounts.
///
/// Memory is bounded: at most `capacityPerShard` clusters per shard, each
/// listing at most `accountsPerCluster` accounts; clusters older than the
/// longest window are swept.
final class CrossAccountTracker: Sendable {
    struct Cluster {
        var lastSeen: Double
        /// (account hash, last time that account sent this text)
        var accounts: [(UInt64, Double)]
    }

    /// One lock stripe (a class, because `Mutex` cannot be copied into an array).
    final class Shard: Sendable {
        let clusters = Mutex<[UInt64: Cluster]>([:])
    }

    private let shards: [Shard]
    private let capacityPerShard: Int
    static let accountsPerCluster = 64

    init(shardCount: Int = 16, capacity: Int = 1_000_000) {
        shards = (0..<shardCount).map { _ in Shard() }
        capacityPerShard = max(64, capacity / shardCount)
    }

    /// Records that `account` sent text `fingerprint` in `org` at `time`, and
    /// returns how many distinct accounts sent it within `window` (this one included).
    func record(org: UInt64, fingerprint: UInt64, account: UInt64, time: Double, window: Double) -> Int {
        let key = org ^ (fingerprint &* 0x9E37_79B9_7F4A_7C15)
        let shard = shards[Int(truncatingIfNeeded: key >> 58) % shards.count]
        return shard.clusters.withLock { clusters in
            if clusters.count >= capacityPerShard, clusters[key] == nil {
                let victims = clusters.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(capacityPerShard / 10)
                for (k, _) in victims { clusters.removeValue(forKey: k) }
            }
            var cluster = clusters[key] ?? Cluster(lastSeen: time, accounts: [])
            cluster.lastSeen = max(cluster.lastSeen, time)
            let since = time - window
            var distinct = 0
            var found = false
            for i in cluster.accounts.indices {
                if cluster.accounts[i].0 == account {
                    cluster.accounts[i].1 = max(cluster.accounts[i].1, time)
                    found = true
                }
                if cluster.accounts[i].1 >= since { distinct += 1 }
            }
            if !found {
                if cluster.accounts.count >= Self.accountsPerCluster {
                    // Replace the stalest entry.
                    if let oldest = cluster.accounts.indices.min(by: { cluster.accounts[$0].1 < cluster.accounts[$1].1 }) {
                        if cluster.accounts[oldest].1 >= since { distinct -= 1 }
                        cluster.accounts[oldest] = (account, time)
                    }
                } else {
                    cluster.accounts.append((account, time))
                }
                distinct += 1
            }
            clusters[key] = cluster
            return distinct
        }
    }

    /// Drops clusters not touched since `cutoff`.
    func sweep(before cutoff: Double) {
        for shard in shards {
            shard.clusters.withLock { clusters in
                clusters = clusters.filter { $0.value.lastSeen >= cutoff }
            }
        }
    }
}
