/// A native detector plugin: a shared library implementing the C ABI in
/// `guardline_plugin.h`, loaded and checked, plus the configuration its
/// contexts are created with.
///
/// Loading never runs code from a path another user could write, and always
/// opens a private copy of the file, so loading a path again after the file
/// was replaced yields the new code (see `PluginLoader`). A C plugin's library
/// is unloaded once this object and every context made from it are gone (each
/// holds the library, and a context's `destroy()` runs before it lets go); a
/// Swift plugin's library is never unloaded (see `unloading`).
///
/// Immutable and `Sendable`: one `NativePlugin` is shared by all workers of a
/// generation; each worker makes its own `NativePluginContext`.
public final class NativePlugin: Sendable {
    /// The path the plugin was loaded from, as given.
    public let path: String
    /// The plugin's own name and version, from its registration table.
    public let name: String
    public let version: String
    /// The ABI version the plugin was built against.
    public let abiMajor: UInt32
    public let abiMinor: UInt32
    /// The configuration JSON every context is initialised with.
    public let config: String
    let binding: PluginBinding

    /// Whether and when this plugin's library is unmapped, decided at load
    /// from its ELF dynamic section.
    public var unloading: PluginUnloading { binding.library.unloading }
    /// The private copy of the file that was handed to `dlopen` (as it
    /// appears in `/proc/<pid>/maps`).
    public var loadedPath: String { binding.loadedPath }

    /// The plugin ABI version this daemon implements, as `major.minor`.
    public static var daemonABI: String { "\(PluginLoader.daemonMajor).\(PluginLoader.daemonMinor)" }

    private init(path: String, config: String, binding: PluginBinding) {
        self.path = path
        self.config = config
        self.binding = binding
        let api = binding.api.pointee
        name = String(cString: api.name!)
        version = String(cString: api.version!)
        abiMajor = api.abi_major
        abiMinor = api.abi_minor
    }

    /// Loads the plugin library at `path` and checks that `config` is
    /// accepted.
    ///
    /// Refuses a file or directory writable by group or others or owned by a
    /// user other than root and the daemon's own; refuses a plugin built for a
    /// different ABI major or a newer minor, or whose table is too small.
    /// Calls the plugin's `init` once with `config` and destroys that context
    /// again, so a bad configuration fails here, during load or reload, and
    /// never later in a worker.
    public static func load(path: String, config: String) throws(PluginError) -> NativePlugin {
        let binding = try PluginLoader.bind(path: path)
        let plugin = NativePlugin(path: path, config: config, binding: binding)
        _ = try plugin.makeContext()
        return plugin
    }

    /// A new context for one worker (the plugin's `init` with `config`).
    public func makeContext() throws(PluginError) -> NativePluginContext {
        let context = try PluginLoader.makeContext(binding, name: name, config: config)
        return NativePluginContext(plugin: self, session: PluginSession(binding: binding, context: context))
    }
}
