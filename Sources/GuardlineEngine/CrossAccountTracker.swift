import Synchronization

/// Remembers which accounts of an organisation sent the same case-folded user text
/// recently, to catch one actor spreading the same abuse over many accounts.
///
/// Memory is bounded: a fixed first-sighting table per shard, at most
/// `capacityPerShard` clusters per shard, each listing at most
/// `accountsPerCluster` accounts; clusters older than the longest window are
/// swept. A first sighting can be overwritten by another text hashing to the
/// same slot before its second sighting: under heavy unique traffic the
/// detector may then need one more account to fire, never fewer.
final class CrossAccountTracker: Sendable {
    struct Cluster {
        var lastSeen: Double
        /// (account hash, last time that account sent this text)
        var accounts: [(UInt64, Double)]
    }

    /// The first account seen sending a text, kept in a fixed direct-mapped
    /// table. Most texts are sent once: they only overwrite a slot here and
    /// never allocate a cluster. A cluster is made on the second sighting.
    struct FirstSighting {
        var key: UInt64 = 0
        var account: UInt64 = 0
        var time: Double = -.infinity
    }

    struct ShardState {
        var clusters: [UInt64: Cluster] = [:]
        var firstSightings = [FirstSighting](repeating: FirstSighting(), count: CrossAccountTracker.sightingSlots)
    }

    /// One lock stripe (a class, because `Mutex` cannot be copied into an array).
    final class Shard: Sendable {
        let state = Mutex(ShardState())
    }

    static let sightingSlots = 1 << 14

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
        return shard.state.withLock { state -> Int in
            if state.clusters[key] == nil {
                let slot = Int(truncatingIfNeeded: key % UInt64(Self.sightingSlots))
                let first = state.firstSightings[slot]
                guard first.key == key, first.time >= time - window, first.account != account else {
                    if first.key != key || first.time < time - window {
                        state.firstSightings[slot] = FirstSighting(key: key, account: account, time: time)
                    }
                    return 1
                }
                if state.clusters.count >= capacityPerShard {
                    let victims = state.clusters.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(capacityPerShard / 10)
                    for (k, _) in victims { state.clusters.removeValue(forKey: k) }
                }
                state.firstSightings[slot] = FirstSighting()
                state.clusters[key] = Cluster(lastSeen: first.time, accounts: [(first.account, first.time)])
            }
            return Self.add(account: account, time: time, window: window, to: &state.clusters[key]!)
        }
    }

    /// Adds `account` to a cluster; returns its distinct accounts within the window.
    private static func add(account: UInt64, time: Double, window: Double, to cluster: inout Cluster) -> Int {
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
            if cluster.accounts.count >= accountsPerCluster {
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
        return distinct
    }

    /// Drops clusters not touched since `cutoff`.
    func sweep(before cutoff: Double) {
        for shard in shards {
            shard.state.withLock { state in
                state.clusters = state.clusters.filter { $0.value.lastSeen >= cutoff }
            }
        }
    }
}
