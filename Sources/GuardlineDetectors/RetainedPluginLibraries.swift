import Synchronization

/// The libraries that are never unloaded (Swift, `-z nodelete`,
/// unrecognised), found again by their exact bytes.
///
/// Every reload loads every plugin afresh, changed or not. For a library that
/// is unloaded when unused that costs nothing lasting, but each fresh copy of
/// a never-unloaded library would stay mapped (and on disk) until the process
/// exits. Reusing the already-mapped library for identical bytes limits that
/// cost to one copy per distinct build. Holding them here keeps nothing alive
/// that would otherwise go: they are never closed anyway.
enum RetainedPluginLibraries {
    /// Keyed by a hash of the bytes; a hit is confirmed by comparing the copy's
    /// bytes, so a hash collision can only cost a fresh copy, never wrong code.
    private static let libraries = Mutex<[Int: [PluginLibrary]]>([:])

    /// A retained library whose private copy holds exactly `bytes`.
    static func find(_ bytes: [UInt8]) -> PluginLibrary? {
        let candidates = libraries.withLock { $0[key(bytes)] ?? [] }
        return candidates.first { $0.copyHasContents(bytes) }
    }

    /// Remembers `library` (never unloaded) as the one to use for `bytes`.
    static func remember(_ library: PluginLibrary, bytes: [UInt8]) {
        precondition(!library.unloading.unloads, "only never-unloaded libraries are retained")
        let key = key(bytes)
        libraries.withLock { $0[key, default: []].append(library) }
    }

    private static func key(_ bytes: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes)
        return hasher.finalize()
    }
}
