import Synchronization

/// One slice of the account table: a dictionary of accounts and the set of
/// flagged account ids, behind one lock.
///
/// Why shards: an account's events must be handled in order, but two
/// different accounts have nothing to share. Hashing the account id to one of
/// N shards keeps lock contention negligible without a global lock.
final class AccountShard: Sendable {
    struct State {
        var accounts: [AccountKey: AccountState] = [:]
        /// Flagged ids outlive eviction of their state: a flag is never forgotten.
        var flagged: Set<String> = []
        /// Checkpoints of evicted accounts that still carried risk, waiting for the store.
        var evicted: [AccountSnapshot] = []
        /// Accounts whose risk changed since the last checkpoint, so a
        /// checkpoint visits only them, not every account in memory.
        var dirtyKeys: [AccountKey] = []
    }

    let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = max(16, capacity) }
}

/// A copy of an account's risk for the store's `account_risk` checkpoint.
public struct AccountSnapshot: Sendable, Equatable {
    public var accountID: String
    public var orgID: String?
    public var risk: Double
    public var updatedAt: Double
    public var flagged: Bool

    public init(accountID: String, orgID: String?, risk: Double, updatedAt: Double, flagged: Bool) {
        self.accountID = accountID
        self.orgID = orgID
        self.risk = risk
        self.updatedAt = updatedAt
        self.flagged = flagged
    }
}

extension AccountShard.State {
    /// Makes room when the shard is full: drops the least recently seen tenth
    /// of its accounts, keeping a checkpoint of any that still carry risk.
    /// Amortised O(1) per insert: one sort per `capacity / 10` new accounts.
    mutating func evictIfFull(capacity: Int) {
        guard accounts.count >= capacity else { return }
        let victims = accounts.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(max(1, capacity / 10))
        for (key, account) in victims {
            if account.dirty || account.risk > 0.001 {
                evicted.append(AccountSnapshot(accountID: key.id, orgID: account.orgID, risk: account.risk,
                                               updatedAt: account.riskTime, flagged: account.flagged))
            }
            accounts.removeValue(forKey: key)
        }
    }

    /// Drops accounts not seen since `cutoff`. One pass over the shard that
    /// copies only the victims' keys.
    mutating func evictIdle(before cutoff: Double) -> Int {
        var idle: [AccountKey] = []
        for (key, account) in accounts where account.lastSeen < cutoff { idle.append(key) }
        for key in idle {
            guard let account = accounts.removeValue(forKey: key) else { continue }
            if account.dirty {
                evicted.append(AccountSnapshot(accountID: key.id, orgID: account.orgID, risk: account.risk,
                                               updatedAt: account.riskTime, flagged: account.flagged))
            }
        }
        return idle.count
    }
}
