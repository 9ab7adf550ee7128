/// An account id as the account table's key, carrying the FNV-1a hash the
/// engine already computes to pick the shard.
///
/// Why not `String`: hashing a `String` key runs SipHash over its
/// (Unicode-normalised) contents on every lookup, once per event, for a hash
/// the engine has already computed. This key feeds the dictionary's hasher one word, and
/// compares ids only when the hashes are equal.
struct AccountKey: Hashable, Sendable {
    let id: String
    let hash: UInt64

    init(_ id: String, hash: UInt64) {
        self.id = id
        self.hash = hash
    }

    init(_ id: String) {
        self.init(id, hash: TextFingerprint.fnv1a(id))
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    static func == (lhs: AccountKey, rhs: AccountKey) -> Bool { lhs.hash == rhs.hash && lhs.id == rhs.id }
}
