#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GuardlinePluginABI
import GuardlineProtocol

/// The validated function table of one loaded plugin library, and the
/// library it lives in.
///
/// `@unchecked Sendable`: the table lives in the library's static storage and
/// is never written after `guardline_plugin_register` returns. The pointer
/// stays valid because every holder of it (a `NativePlugin`, a
/// `PluginSession`) holds `library` too, and the library is only unloaded
/// when the last of them is gone.
struct PluginBinding: @unchecked Sendable {
    let api: UnsafePointer<gl_plugin_api>
    let library: PluginLibrary
    /// The private copy that was handed to `dlopen`.
    var loadedPath: String { library.copyPath }
}

/// Everything that touches `dlsym` and the plugin ABI's raw pointers (with
/// `PluginLibrary+Unsafe.swift`, which owns the `dlopen` handle). This file
/// and `PluginSession` below are the only other unsafe code of the plugin loader.
///
/// Why a private copy: glibc's `dlopen` returns the already-loaded library when
/// asked for the same path (or the same device and inode) again, so a plugin
/// rebuilt in place would silently keep running its old code. Each load copies
/// the vetted bytes to a fresh file under a new `mkdtemp` directory and opens
/// that. A copy is deleted only once its library is no longer mapped: a copy
/// deleted while mapped frees its inode number, the next copy could get it,
/// and glibc would then hand back the old library.
///
/// Unloading (see `PluginLibrary` and `PluginUnloading`): a C library is
/// `dlclose`d when the last generation and worker context using it are gone,
/// so after every call into it has returned. A Swift library never is: the
/// Swift runtime keeps pointers into every loaded Swift image, so an old
/// version stays mapped until the process exits. Loading identical bytes
/// again reuses such a library (`RetainedPluginLibraries`), so only a changed
/// Swift plugin adds a mapped copy.
enum PluginLoader {
    static let daemonMajor = UInt32(GL_PLUGIN_ABI_MAJOR)
    static let daemonMinor = UInt32(GL_PLUGIN_ABI_MINOR)

    /// Vets, copies, opens and checks the plugin at `path`.
    static func bind(path: String) throws(PluginError) -> PluginBinding {
        let bytes = try readVetted(path: path)
        // Decided from the vetted bytes, before any of the library's code runs.
        let unloading = PluginUnloading.decide(forLibrary: bytes)
        let library: PluginLibrary
        if !unloading.unloads, let retained = RetainedPluginLibraries.find(bytes) {
            library = retained
        } else {
            let copy = try privateCopy(of: bytes, originalPath: path)
            switch PluginLibrary.load(copyPath: copy, unloading: unloading) {
            case .success(let opened): library = opened
            case .failure(let failure): throw .openFailed(path: path, message: failure.message)
            }
            if !unloading.unloads { RetainedPluginLibraries.remember(library, bytes: bytes) }
        }
        // From here a refusal releases `library`, which unloads a C library again.
        guard let symbol = dlsym(library.handle, GL_PLUGIN_REGISTER_SYMBOL) else {
            throw .missingRegistration(path: path, message: lastDynamicLinkerError())
        }
        typealias Register = @convention(c) () -> UnsafePointer<gl_plugin_api>?
        let register = unsafeBitCast(symbol, to: Register.self)
        guard let table = register() else { throw .missingField(path: path, field: "(the table itself)") }
        // Only the three leading fields are certain to exist until they are checked.
        let raw = UnsafeRawPointer(table)
        let major = raw.load(fromByteOffset: 0, as: UInt32.self)
        let minor = raw.load(fromByteOffset: 4, as: UInt32.self)
        let size = raw.load(fromByteOffset: 8, as: UInt32.self)
        guard major == daemonMajor, minor <= daemonMinor else {
            throw .unsupportedABI(
                path: path, pluginMajor: major, pluginMinor: minor, daemonMajor: daemonMajor, daemonMinor: daemonMinor)
        }
        // Minor 0 is the only minor so far, so the whole table is required.
        let expected = UInt32(MemoryLayout<gl_plugin_api>.size)
        guard size >= expected else { throw .tableTooSmall(path: path, size: size, expected: expected) }
        let api = table.pointee
        let missing = [
            ("name", api.name == nil), ("version", api.version == nil), ("init", api.`init` == nil),
            ("score", api.score == nil), ("last_error", api.last_error == nil), ("destroy", api.destroy == nil),
        ].first { $0.1 }
        if let missing { throw .missingField(path: path, field: missing.0) }
        return PluginBinding(api: table, library: library)
    }

    /// Calls the plugin's `init` with `config`; returns the new context.
    static func makeContext(_ binding: PluginBinding, name: String, config: String) throws(PluginError) -> UnsafeMutableRawPointer {
        let errorCapacity = 512
        var message = [CChar](repeating: 0, count: errorCapacity)
        var utf8 = Array(config.utf8)
        let context = utf8.withUnsafeMutableBufferPointer { configBytes in
            message.withUnsafeMutableBufferPointer { errorBytes in
                configBytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: configBytes.count) { json in
                    binding.api.pointee.`init`!(json, configBytes.count, errorBytes.baseAddress, errorCapacity)
                }
            }
        }
        utf8.removeAll()
        guard let context else {
            throw .initFailed(plugin: name, message: text(beforeTerminatorIn: message))
        }
        return context
    }

    /// Opens `path` without following a final symlink, checks the file and its
    /// directory, and reads the file through the same descriptor, so the bytes
    /// loaded are the bytes that were checked.
    private static func readVetted(path: String) throws(PluginError) -> [UInt8] {
        let directory = directoryName(of: path)
        var directoryStatus = stat()
        guard stat(directory, &directoryStatus) == 0 else { throw .unreadable(path: directory, reason: errnoText()) }
        try vet(path: directory, status: directoryStatus)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: errnoText()) }
        defer { close(descriptor) }
        var fileStatus = stat()
        guard fstat(descriptor, &fileStatus) == 0 else { throw .unreadable(path: path, reason: errnoText()) }
        guard (fileStatus.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        try vet(path: path, status: fileStatus)
        var bytes = [UInt8](repeating: 0, count: Int(fileStatus.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .unreadable(path: path, reason: count == 0 ? "file shrank while reading" : errnoText()) }
            filled += count
        }
        return bytes
    }

    /// Refuses paths another user could write: whoever can replace the
    /// library can run code as the daemon.
    private static func vet(path: String, status: stat) throws(PluginError) {
        let mode = UInt32(status.st_mode) & 0o7777
        let owner = UInt32(status.st_uid)
        if mode & 0o022 != 0 {
            throw .unsafePermissions(path: path, mode: mode, owner: owner, reason: "writable by group or others")
        }
        let user = UInt32(geteuid())
        if owner != 0 && owner != user {
            throw .unsafePermissions(
                path: path, mode: mode, owner: owner,
                reason: "owned by uid \(owner), which is neither root nor this daemon's user (uid \(user))")
        }
    }

    /// Writes `bytes` to `<tmp>/guardline-plugin.XXXXXX/<file name>` (a fresh
    /// 0700 directory; the file is 0500) and returns that path.
    private static func privateCopy(of bytes: [UInt8], originalPath: String) throws(PluginError) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/guardline-plugin.XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard created else { throw .copyFailed(path: originalPath, reason: "mkdtemp in \(base): \(errnoText())") }
        let directory = text(beforeTerminatorIn: template)
        let fileName = originalPath.split(separator: "/").last.map(String.init) ?? "plugin.so"
        let copy = directory + "/" + fileName
        let descriptor = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o500)
        guard descriptor >= 0 else { throw .copyFailed(path: originalPath, reason: "\(copy): \(errnoText())") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = "\(copy): \(errnoText())"
                PluginLibrary.removeCopy(copy)
                throw .copyFailed(path: originalPath, reason: reason)
            }
            written += count
        }
        return copy
    }

    private static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The UTF-8 text before the first NUL, or the whole buffer when a plugin
    /// forgot the terminator (never reading past the buffer).
    private static func text(beforeTerminatorIn buffer: [CChar]) -> String {
        let end = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func lastDynamicLinkerError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown error"
    }
}

/// One plugin context and the ABI structs its calls use, allocated once so a
/// call that finds nothing allocates nothing. Not thread-safe: the ABI
/// promises plugins that `score` never runs concurrently on one context.
final class PluginSession {
    private let binding: PluginBinding
    private let context: UnsafeMutableRawPointer
    private let event: UnsafeMutablePointer<gl_plugin_event>
    private let result: UnsafeMutablePointer<gl_plugin_result>
    private var toolCalls: UnsafeMutablePointer<gl_plugin_tool_call>
    private var toolCallCapacity: Int
    /// Longer evidence is cut: it goes into logs and the flag store.
    static let maximumEvidenceBytes = 256

    init(binding: PluginBinding, context: UnsafeMutableRawPointer) {
        self.binding = binding
        self.context = context
        event = .allocate(capacity: 1)
        event.initialize(to: gl_plugin_event())
        result = .allocate(capacity: 1)
        result.initialize(to: gl_plugin_result())
        toolCallCapacity = 16
        toolCalls = .allocate(capacity: toolCallCapacity)
    }

    deinit {
        // `binding` still holds the library here: stored properties are
        // released only after deinit's body, so destroy() runs while it is mapped.
        binding.api.pointee.destroy!(context)
        event.deallocate()
        result.deallocate()
        toolCalls.deallocate()
    }

    /// Hands `view` to the plugin's `score`; copies the findings into Swift
    /// values only when the score is above zero.
    func score(_ view: EventView, plugin name: String) throws(PluginError) -> NativePluginScore {
        if view.toolCallCount > toolCallCapacity {
            toolCalls.deallocate()
            toolCallCapacity = view.toolCallCount
            toolCalls = .allocate(capacity: toolCallCapacity)
        }
        for index in 0..<view.toolCallCount {
            let call = view.toolCall(index)
            toolCalls[index] = gl_plugin_tool_call(name: Self.bytes(call.name), arguments: Self.bytes(call.arguments))
        }
        event.pointee = gl_plugin_event(
            id: Self.bytes(view.id), account_id: Self.bytes(view.accountID), org_id: Self.bytes(view.orgID),
            conversation_id: Self.bytes(view.conversationID), role: Int32(view.role.rawValue),
            text: Self.bytes(view.text), tool_calls: view.toolCallCount > 0 ? UnsafePointer(toolCalls) : nil,
            tool_call_count: view.toolCallCount, meta_json: Self.bytes(view.metaJSON))
        result.pointee = gl_plugin_result()
        let status = binding.api.pointee.score!(context, event, result)
        guard status == 0 else {
            let message = binding.api.pointee.last_error!(context).map { String(cString: $0) } ?? ""
            throw .scoreFailed(plugin: name, code: status, message: message)
        }
        let found = result.pointee
        guard found.score >= 0 && found.score <= 1 else {
            throw .invalidResult(plugin: name, reason: "score \(found.score) is outside [0, 1]")
        }
        guard found.score > 0 else { return .nothing }
        var labels: [String] = []
        labels.reserveCapacity(found.label_count)
        if found.label_count > 0 {
            guard let array = found.labels else { throw .invalidResult(plugin: name, reason: "labels is NULL with label_count \(found.label_count)") }
            for index in 0..<found.label_count {
                guard let label = array[index] else { throw .invalidResult(plugin: name, reason: "label \(index) is NULL") }
                labels.append(String(cString: label))
            }
        }
        var evidence = ""
        if let text = found.evidence, found.evidence_len > 0 {
            let length = min(found.evidence_len, Self.maximumEvidenceBytes)
            evidence = String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
        }
        return NativePluginScore(score: found.score, labels: labels, evidence: evidence)
    }

    private static func bytes(_ view: Bytes) -> gl_plugin_bytes {
        guard let base = view.baseAddress else { return gl_plugin_bytes(ptr: nil, len: 0) }
        return gl_plugin_bytes(ptr: UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), len: view.count)
    }
}
