import Synchronization

/// Account and organisation state: decayed risk, velocity windows,
/// cross-account clusters and flags. Thread-safe; call `process` from any
/// worker. State survives reloads (it is not part of a generation).
public final class RiskEngine: Sendable {
    /// Internal rather than private so that tests can look inside a shard.
    let shards: [AccountShard]
    private let crossAccount: CrossAccountTracker
    private let orgs = Mutex<[String: Set<String>]>([:])
    private let flaggedOrgs = Mutex<Set<String>>([])

    /// - Parameters:
    ///   - maxAccounts: accounts kept in memory; beyond it the least recently seen are evicted
    ///     (their risk is checkpointed first). About 300 bytes each.
    ///   - shardCount: lock stripes; a power of two.
    public init(maxAccounts: Int = 1_000_000, shardCount: Int = 64) {
        let count = max(1, shardCount)
        shards = (0..<count).map { _ in AccountShard(capacity: maxAccounts / count) }
        crossAccount = CrossAccountTracker(capacity: max(1024, maxAccounts / 4))
    }

    @inline(__always) func shardFor(_ hash: UInt64) -> AccountShard {
        shards[Int(truncatingIfNeeded: (hash >> 32) % UInt64(shards.count))]
    }

    func forEachShard(_ body: (inout AccountShard.State) -> Void) {
        for shard in shards { shard.state.withLock { body(&$0) } }
    }

    func restoreOrgMember(account: String, org: String) {
        orgs.withLock { _ = $0[org, default: []].insert(account) }
    }

    func restoreFlaggedOrgs(_ ids: [String]) {
        flaggedOrgs.withLock { $0.formUnion(ids) }
    }

    func sweepClusters(before cutoff: Double) { crossAccount.sweep(before: cutoff) }

    /// Applies one event's signals to its account.
    ///
    /// Appends the velocity and cross-account signals that fire to `hits`;
    /// only enforcing hits add risk or flag.
    public func process(accountID: UnsafeBufferPointer<UInt8>, orgID: UnsafeBufferPointer<UInt8>,
                        time: Double, isRefusal: Bool, text: UnsafeBufferPointer<UInt8>,
                        hits: inout [SignalHit], rules: BehaviourRules) -> AccountOutcome {
        let accountHash = TextFingerprint.fnv1a(accountID)
        // Content signals: what the rule detectors found, before behavioural
        // detectors add theirs (those must not feed each other).
        let contentSignal = hits.contains { $0.enforcing }
        if !rules.crossAccount.isEmpty, orgID.count > 0 {
            evaluateCrossAccount(accountHash: accountHash, orgID: orgID, time: time, text: text,
                                 contentSignal: contentSignal, hits: &hits, rules: rules)
        }
        let key = AccountKey(String(decoding: accountID, as: UTF8.self), hash: accountHash)
        let shard = shardFor(accountHash)
        var outcome = shard.state.withLock { state -> AccountOutcome in
            // Mutate the account in place in the dictionary's storage: copying
            // it out and back would retain and release every array it holds.
            let index: Dictionary<AccountKey, AccountState>.Index
            if let existing = state.accounts.index(forKey: key) {
                index = existing
            } else {
                state.evictIfFull(capacity: shard.capacity)
                var fresh = AccountState()
                fresh.riskTime = time
                fresh.flagged = state.flagged.contains(key.id)
                state.accounts[key] = fresh
                index = state.accounts.index(forKey: key)!
            }
            let outcome = apply(to: &state.accounts.values[index], key: key.id, orgID: orgID, time: time,
                                isRefusal: isRefusal, contentSignal: contentSignal, hits: &hits, rules: rules)
            if outcome.flag?.isNew == true { state.flagged.insert(key.id) }
            if outcome.becameDirty { state.dirtyKeys.append(key) }
            return outcome
        }
        if let flag = outcome.flag, flag.isNew, let org = flag.orgID {
            outcome.orgFlag = noteFlagged(account: key.id, org: org, time: time, policy: rules.orgPolicy)
        }
        return outcome
    }

    /// Decay, velocity, signal contributions and the flag decision for one
    /// event of one account (called under the account's shard lock).
    private func apply(to account: inout AccountState, key: String, orgID: UnsafeBufferPointer<UInt8>, time: Double,
                       isRefusal: Bool, contentSignal: Bool, hits: inout [SignalHit], rules: BehaviourRules) -> AccountOutcome {
        let policy = rules.policy
        if account.orgID == nil, orgID.count > 0 { account.orgID = String(decoding: orgID, as: UTF8.self) }
        account.decay(to: time, policy: policy)
        account.lastSeen = max(account.lastSeen, time)
        account.eventCount += 1
        evaluateVelocity(&account, time: time, isRefusal: isRefusal, contentSignal: contentSignal, hits: &hits, rules: rules)

        var critical = false
        var added = 0.0
        for hit in hits where hit.enforcing {
            added += policy.severityWeights[hit.severity.rawValue] * hit.score
            if hit.severity == .critical { critical = true }
            account.noteContribution(hit)
        }
        var becameDirty = false
        if added > 0 {
            account.risk += added
            becameDirty = !account.dirty
            account.dirty = true
        }
        var flag: AccountFlag?
        let criticalFlag = critical && policy.criticalFlagsImmediately
        if added > 0 && (account.risk >= policy.flagThreshold || criticalFlag) {
            let isNew = !account.flagged
            let history = account.historyForUpdate()
            if isNew || time - history.lastFlagWrite >= policy.reflagInterval {
                account.flagged = true
                history.lastFlagWrite = time
                flag = AccountFlag(accountID: key, orgID: account.orgID, risk: account.risk, time: time,
                                   reason: criticalFlag && account.risk < policy.flagThreshold ? "critical" : "threshold",
                                   detectors: history.detectors.sorted(), labels: history.labels.sorted(),
                                   eventCount: account.eventCount, isNew: isNew)
            }
        }
        return AccountOutcome(risk: account.risk, flagged: account.flagged, flag: flag, orgFlag: nil,
                              becameDirty: becameDirty)
    }

    private func evaluateVelocity(_ account: inout AccountState, time: Double, isRefusal: Bool, contentSignal: Bool,
                                  hits: inout [SignalHit], rules: BehaviourRules) {
        guard !rules.velocity.isEmpty else { return }
        // "Flagged events" are events an enforcing content detector fired on.
        let ruleHitsBefore = contentSignal
        if isRefusal { account.historyForUpdate().refusals.record(time, capacity: rules.depth(of: .refusals)) }
        if ruleHitsBefore { account.historyForUpdate().flaggedEvents.record(time, capacity: rules.depth(of: .flaggedEvents)) }
        var rateIndex = 0
        for (index, rule) in rules.velocity.enumerated() {
            let observed: Double
            switch rule.metric {
            case .refusals:
                guard isRefusal else { continue }
                observed = Double(account.history?.refusals.count(since: time - rule.window) ?? 0)
            case .flaggedEvents:
                guard ruleHitsBefore else { continue }
                observed = Double(account.history?.flaggedEvents.count(since: time - rule.window) ?? 0)
            case .events:
                if rateIndex == 0 {
                    observed = account.firstRate.record(time, window: rule.window)
                } else {
                    let history = account.historyForUpdate()
                    if history.moreRates.count < rateIndex { history.moreRates.append(RateCounter()) }
                    observed = history.moreRates[rateIndex - 1].record(time, window: rule.window)
                }
                rateIndex += 1
            }
            // Fire once when the window fills, then not again until a window has passed.
            guard observed >= Double(rule.count) else { continue }
            // Firing times are sized for the generation's rules when one first
            // fires; a reload that changes the rules starts them afresh.
            let history = account.historyForUpdate()
            let sized = history.velocityFired.count == rules.velocity.count
            guard time - (sized ? history.velocityFired[index] : -.infinity) >= rule.window else { continue }
            if !sized {
                history.velocityFired = Array(repeating: -.infinity, count: rules.velocity.count)
            }
            history.velocityFired[index] = time
            hits.append(SignalHit(detector: rules.detectorNames[rule.detector], version: rules.detectorVersions[rule.detector],
                                  score: rule.score, severity: rule.severity, enforcing: rule.enforcing,
                                  labels: rules.detectorLabels[rule.detector],
                                  evidence: "\(Int(observed)) \(rule.metric.rawValue) in \(Int(rule.window))s"))
        }
    }

    private func evaluateCrossAccount(accountHash: UInt64, orgID: UnsafeBufferPointer<UInt8>, time: Double,
                                      text: UnsafeBufferPointer<UInt8>, contentSignal: Bool,
                                      hits: inout [SignalHit], rules: BehaviourRules) {
        // Most events carry no content signal: skip the fingerprint when no rule would count them.
        guard contentSignal || rules.crossAccount.contains(where: { !$0.requireSignal }) else { return }
        let minLength = rules.crossAccount.lazy.map(\.minTextLength).min() ?? 0
        guard text.count >= minLength else { return }
        let (fingerprint, length) = TextFingerprint.caseFolded(text)
        let orgHash = TextFingerprint.fnv1a(orgID)
        for rule in rules.crossAccount where length >= rule.minTextLength && (contentSignal || !rule.requireSignal) {
            let distinct = crossAccount.record(org: orgHash, fingerprint: fingerprint, account: accountHash,
                                               time: time, window: rule.window)
            if distinct >= rule.accounts {
                hits.append(SignalHit(detector: rules.detectorNames[rule.detector], version: rules.detectorVersions[rule.detector],
                                      score: rule.score, severity: rule.severity, enforcing: rule.enforcing,
                                      labels: rules.detectorLabels[rule.detector],
                                      evidence: "same text from \(distinct) accounts of the org within \(Int(rule.window))s"))
            }
        }
    }

    private func noteFlagged(account: String, org: String, time: Double, policy: OrgPolicy) -> OrgFlag? {
        let count = orgs.withLock { orgs -> Int in
            orgs[org, default: []].insert(account)
            return orgs[org]!.count
        }
        guard count >= policy.flaggedAccounts else { return nil }
        let isNew = flaggedOrgs.withLock { $0.insert(org).inserted }
        // Re-report when more accounts join an already flagged org, so the row's count stays true.
        return isNew || count > policy.flaggedAccounts ? OrgFlag(orgID: org, flaggedAccounts: count, time: time) : nil
    }
}
