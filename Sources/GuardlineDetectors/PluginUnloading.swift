/// Whether and when the daemon unmaps a native plugin's library, decided once
/// at load from the library's ELF dynamic section (see `ELFDynamicSection`).
public enum PluginUnloading: Sendable, Equatable, CustomStringConvertible {
    /// A C library: `dlclose`d, and its private copy deleted, once the last
    /// generation and the last worker context using it are gone, so after
    /// every call into it has returned.
    case whenUnused
    /// A Swift library (it links `libswiftCore.so` or carries `swift5_*`
    /// metadata): the Swift runtime keeps pointers into every loaded Swift
    /// image, so it stays mapped until the process exits.
    case neverSwiftRuntime
    /// Linked with `-z nodelete` (`DF_1_NODELETE`): the plugin's own opt-out,
    /// for example because it starts threads that outlive `destroy()`.
    case neverNoDelete
    /// The dynamic section could not be read; keeping the library is the safe choice.
    case neverUnrecognised(reason: String)

    /// Whether the library is ever unloaded.
    public var unloads: Bool { self == .whenUnused }

    public var description: String {
        switch self {
        case .whenUnused: "unloaded when unused"
        case .neverSwiftRuntime: "never unloaded (Swift runtime)"
        case .neverNoDelete: "never unloaded (linked with -z nodelete)"
        case .neverUnrecognised(let reason): "never unloaded (dynamic section unreadable: \(reason))"
        }
    }

    /// The policy for a library whose bytes are `bytes`.
    static func decide(forLibrary bytes: [UInt8]) -> PluginUnloading {
        switch ELFDynamicSection.parse(bytes) {
        case .failure(let unrecognised): .neverUnrecognised(reason: unrecognised.reason)
        case .success(let dynamic) where dynamic.isSwift: .neverSwiftRuntime
        case .success(let dynamic) where dynamic.noDelete: .neverNoDelete
        case .success: .whenUnused
        }
    }
}
