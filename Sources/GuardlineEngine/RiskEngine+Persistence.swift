/// Restoring state at start and checkpointing it for the next start.
extension RiskEngine {
    /// Marks accounts flagged in an earlier run (their flag never lapses) and
    /// counts them towards their organisations.
    public func restoreFlagged(_ accounts: [(accountID: String, orgID: String?)], flaggedOrgs orgIDs: [String]) {
        for (id, org) in accounts {
            let hash = TextFingerprint.fnv1a(id)
            shardFor(hash).state.withLock { _ = $0.flagged.insert(id) }
            if let org { restoreOrgMember(account: id, org: org) }
        }
        restoreFlaggedOrgs(orgIDs)
    }

    /// Restores the risk of accounts active before a restart.
    public func restoreRisk(_ snapshots: [AccountSnapshot]) {
        for snapshot in snapshots {
            let key = AccountKey(snapshot.accountID)
            shardFor(key.hash).state.withLock { state in
                var account = state.accounts[key] ?? AccountState()
                account.orgID = snapshot.orgID
                account.risk = snapshot.risk
                account.riskTime = snapshot.updatedAt
                account.lastSeen = snapshot.updatedAt
                account.flagged = snapshot.flagged || state.flagged.contains(snapshot.accountID)
                if account.flagged { state.flagged.insert(snapshot.accountID) }
                state.accounts[key] = account
            }
        }
    }

    /// Risk of every account changed since the last call, plus checkpoints of
    /// evicted accounts; clears the dirty marks. Called from the maintenance timer and at shutdown.
    public func takeCheckpoint() -> [AccountSnapshot] {
        var out: [AccountSnapshot] = []
        forEachShard { state in
            out.append(contentsOf: state.evicted)
            state.evicted.removeAll()
            for key in state.dirtyKeys {
                guard let index = state.accounts.index(forKey: key), state.accounts.values[index].dirty else { continue }
                let account = state.accounts.values[index]
                out.append(AccountSnapshot(accountID: key.id, orgID: account.orgID, risk: account.risk,
                                           updatedAt: account.riskTime, flagged: account.flagged))
                state.accounts.values[index].dirty = false
            }
            state.dirtyKeys.removeAll(keepingCapacity: true)
        }
        return out
    }

    /// Evicts accounts idle since `cutoff` (checkpointing dirty ones) and
    /// expires cross-account clusters. Returns how many accounts were evicted.
    @discardableResult
    public func sweep(idleBefore cutoff: Double, clustersBefore clusterCutoff: Double) -> Int {
        var evicted = 0
        forEachShard { evicted += $0.evictIdle(before: cutoff) }
        sweepClusters(before: clusterCutoff)
        return evicted
    }

    /// Accounts held in memory now.
    public var accountCount: Int {
        var n = 0
        forEachShard { n += $0.accounts.count }
        return n
    }

    /// Current risk of one account, decayed to `time` (nil when not in memory).
    public func risk(of accountID: String, at time: Double, policy: RiskPolicy) -> Double? {
        let key = AccountKey(accountID)
        return shardFor(key.hash).state.withLock { state in
            guard var account = state.accounts[key] else { return nil }
            account.decay(to: time, policy: policy)
            return account.risk
        }
    }

    public func isFlagged(_ accountID: String) -> Bool {
        shardFor(TextFingerprint.fnv1a(accountID)).state.withLock { $0.flagged.contains(accountID) }
    }
}

extension TextFingerprint {
    static func fnv1a(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { fnv1a($0) }
    }
}
