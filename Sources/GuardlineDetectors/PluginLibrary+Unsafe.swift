#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one owner of a plugin library's `dlopen` handle and of the private
/// copy of the file it was opened from.
///
/// Reference-counted on purpose: the `NativePlugin` of every generation that
/// uses the library and every worker's `PluginSession` (one per
/// `NativePluginContext`) hold it strongly, and a session calls the plugin's
/// `destroy()` in its own `deinit`, before its reference here is released.
/// Workers swap contexts only between read chunks, never during a call, so
/// when the last reference goes, no thread is inside the library and no
/// context of it is left: only then does `deinit` `dlclose` it.
///
/// Libraries whose `unloading` is not `.whenUnused` are opened with
/// `RTLD_NODELETE` and never closed: their copy stays mapped, and stays on
/// disk, until the process exits.
final class PluginLibrary: @unchecked Sendable {
    // `@unchecked Sendable`: every property is immutable; the handle is only
    // used for `dlsym` before the library is shared, and for `dlclose` in deinit.
    let handle: UnsafeMutableRawPointer
    /// The private copy handed to `dlopen` (see `PluginLoader`).
    let copyPath: String
    let unloading: PluginUnloading

    /// Opens the private copy at `copyPath`. On failure removes the copy
    /// (nothing of it is mapped) and returns the dynamic linker's message.
    static func load(copyPath: String, unloading: PluginUnloading) -> Result<PluginLibrary, PluginLibraryOpenFailure> {
        let flags = RTLD_NOW | RTLD_LOCAL | (unloading.unloads ? 0 : RTLD_NODELETE)
        guard let handle = dlopen(copyPath, flags) else {
            let message = dlerror().map { String(cString: $0) } ?? "unknown error"
            removeCopy(copyPath)
            return .failure(PluginLibraryOpenFailure(message: message))
        }
        return .success(PluginLibrary(handle: handle, copyPath: copyPath, unloading: unloading))
    }

    private init(handle: UnsafeMutableRawPointer, copyPath: String, unloading: PluginUnloading) {
        self.handle = handle
        self.copyPath = copyPath
        self.unloading = unloading
    }

    /// Whether the dynamic linker still has the copy loaded (`RTLD_NOLOAD`
    /// finds a loaded library by path, or by device and inode).
    static func isLoaded(_ copyPath: String) -> Bool {
        guard let handle = dlopen(copyPath, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD) else { return false }
        dlclose(handle)  // undoes the reference RTLD_NOLOAD just took
        return true
    }

    /// Whether the private copy on disk holds exactly `bytes` (it is 0500 in
    /// a 0700 directory, so only this user could have changed it).
    func copyHasContents(_ bytes: [UInt8]) -> Bool {
        let descriptor = open(copyPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, Int(status.st_size) == bytes.count else { return false }
        var contents = [UInt8](repeating: 0, count: bytes.count)
        var filled = 0
        while filled < contents.count {
            let count = contents.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            filled += count
        }
        return contents == bytes
    }

    deinit {
        guard unloading.unloads else { return }
        dlclose(handle)
        // glibc may keep a library mapped after dlclose (it uses STB_GNU_UNIQUE
        // symbols, or another library still depends on it). A copy deleted
        // while mapped frees its inode number for the next copy, and glibc,
        // which matches loaded libraries by device and inode, could hand that
        // next copy back as the old library: delete only a copy that is gone.
        guard !PluginLibrary.isLoaded(copyPath) else { return }
        PluginLibrary.removeCopy(copyPath)
    }

    /// Deletes the copy and its private `mkdtemp` directory.
    static func removeCopy(_ copyPath: String) {
        unlink(copyPath)
        if let slash = copyPath.lastIndex(of: "/"), slash != copyPath.startIndex {
            rmdir(String(copyPath[..<slash]))
        }
    }
}

/// `dlopen` refused the copy; `message` is `dlerror()`'s text.
struct PluginLibraryOpenFailure: Error {
    let message: String
}
