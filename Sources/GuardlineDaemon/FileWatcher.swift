import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches the config file's directory and the detectors directory with
/// inotify (through a Dispatch read source) and calls `onChange` once per
/// burst of changes, after things have been quiet for `debounce` seconds.
///
/// Directories, not files, are watched: editors save by writing a new file
/// and renaming it over the old one, and Kubernetes swaps a ConfigMap by
/// re-pointing a `..data` symlink — both are events on the directory, and a
/// watch on the old file's inode would silently go dead. All inotify calls
/// live in this file.
final class FileWatcher: @unchecked Sendable {
    private let fd: Int32
    private let source: DispatchSourceRead
    private let queue: DispatchQueue
    private let directories: [String]
    private let debounce: Double
    private let onChange: @Sendable () -> Void
    /// File names (beyond `*.yaml`/`*.yml`) whose change matters: the config file's.
    private let relevantNames: Set<String>
    /// Owned by `queue`.
    private var pending: DispatchWorkItem?
    private var watches: [Int32: String] = [:]

    private static let mask: UInt32 = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
                                                | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

    /// Returns nil (and the reason) when inotify is unavailable; the daemon then relies on SIGHUP and `guardline reload`.
    init(directories: [String], relevantNames: Set<String> = [], queue: DispatchQueue, debounce: Double = 0.25,
         onChange: @escaping @Sendable () -> Void) throws {
        self.relevantNames = relevantNames
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        self.fd = fd
        self.queue = queue
        self.directories = Array(Set(directories)).sorted()
        self.debounce = debounce
        self.onChange = onChange
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in self?.drain() }
        source.setCancelHandler { close(fd) }
        queue.sync { addWatches() }
        source.activate()
    }

    func stop() { source.cancel() }

    /// (Re-)adds a watch on every directory; a directory replaced as a whole gets a new inode.
    private func addWatches() {
        for directory in directories {
            let wd = inotify_add_watch(fd, directory, Self.mask)
            if wd >= 0 { watches[wd] = directory }
        }
    }

    /// Detector and config files, learned models (`*.glm`), and Kubernetes'
    /// `..data` symlink swaps; not the database, its journals or the control
    /// socket when they share a directory.
    static func isRelevant(_ name: String, watched: Set<String>) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".glm") || name.hasPrefix("..")
            || watched.contains(name)
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var sawIgnored = false
        var any = false
        var relevant = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            any = true
            var offset = 0
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= n {
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    if mask & UInt32(IN_IGNORED) != 0 {
                        watches.removeValue(forKey: wd)
                        sawIgnored = true
                    }
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<min(n, nameStart + length)].prefix { $0 != 0 }
                    if nameBytes.isEmpty || Self.isRelevant(String(decoding: nameBytes, as: UTF8.self), watched: relevantNames) {
                        relevant = true
                    }
                    offset += MemoryLayout<inotify_event>.size + length
                }
            }
        }
        guard any else { return }
        if sawIgnored { addWatches() }
        guard relevant || sawIgnored else { return }
        pending?.cancel()
        let work = DispatchWorkItem { [onChange] in onChange() }
        pending = work
        queue.asyncAfter(deadline: .now() + debounce, execute: work)
    }
}
