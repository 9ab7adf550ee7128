/// Why a native detector plugin could not be loaded, initialised or asked to
/// score an event.
///
/// Kept apart from `DetectorError` because plugin failures carry a different
/// context (a library path, an ABI version pair, the plugin's own message)
/// and a reload reports them per plugin. Every description names the file or
/// plugin at fault.
public enum PluginError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or its directory could not be inspected, opened or read.
    case unreadable(path: String, reason: String)
    /// The file or its directory is writable by group or others, or owned by
    /// a user other than root and the daemon's own user. Loading code from
    /// such a path would let that user run code as the daemon. `mode` holds
    /// the permission bits (for example `0o664`).
    case unsafePermissions(path: String, mode: UInt32, owner: UInt32, reason: String)
    /// The private copy that is handed to `dlopen` could not be written.
    case copyFailed(path: String, reason: String)
    /// `dlopen` refused the library; `message` is `dlerror()`'s text.
    case openFailed(path: String, message: String)
    /// The library does not export `guardline_plugin_register`.
    case missingRegistration(path: String, message: String)
    /// The plugin was built against an ABI this daemon does not speak.
    case unsupportedABI(path: String, pluginMajor: UInt32, pluginMinor: UInt32, daemonMajor: UInt32, daemonMinor: UInt32)
    /// The registered table is smaller than the ABI version it claims.
    case tableTooSmall(path: String, size: UInt32, expected: UInt32)
    /// A required field of the registered table is NULL.
    case missingField(path: String, field: String)
    /// The plugin's `init` returned NULL; `message` is the text it wrote.
    case initFailed(plugin: String, message: String)
    /// The plugin's `score` returned nonzero; `message` is `last_error`'s text.
    case scoreFailed(plugin: String, code: Int32, message: String)
    /// `score` reported success but its result breaks the ABI (a score
    /// outside [0, 1], a NULL label).
    case invalidResult(plugin: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read plugin: \(reason)"
        case .unsafePermissions(let path, let mode, let owner, let reason):
            return "\(path): refusing to load plugin code: mode \(Self.octal(mode)), owner uid \(owner): \(reason)"
        case .copyFailed(let path, let reason):
            return "\(path): cannot make a private copy of the plugin: \(reason)"
        case .openFailed(let path, let message):
            return "\(path): dlopen failed: \(message)"
        case .missingRegistration(let path, let message):
            return "\(path): not a guardline plugin (no guardline_plugin_register symbol): \(message)"
        case .unsupportedABI(let path, let pluginMajor, let pluginMinor, let daemonMajor, let daemonMinor):
            return "\(path): plugin ABI \(pluginMajor).\(pluginMinor) is not supported by this daemon (ABI \(daemonMajor).\(daemonMinor))"
        case .tableTooSmall(let path, let size, let expected):
            return "\(path): plugin table is \(size) bytes, ABI requires at least \(expected)"
        case .missingField(let path, let field):
            return "\(path): plugin table field \(field) is NULL"
        case .initFailed(let plugin, let message):
            return "plugin \(plugin): init failed: \(message.isEmpty ? "no reason given" : message)"
        case .scoreFailed(let plugin, let code, let message):
            return "plugin \(plugin): score failed with code \(code): \(message.isEmpty ? "no reason given" : message)"
        case .invalidResult(let plugin, let reason):
            return "plugin \(plugin): invalid result: \(reason)"
        }
    }

    /// `0664`-style permission bits, as `ls` and `chmod` spell them.
    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
