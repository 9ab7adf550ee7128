import GuardlineProtocol

/// One worker's instance of a native plugin (one plugin-side context).
///
/// Not thread-safe and deliberately not `Sendable`: the ABI promises plugins
/// that `score` never runs concurrently on one context, so each worker makes
/// its own with `NativePlugin.makeContext()` and keeps it. The plugin's
/// `destroy` runs when the context is released, before the context lets go
/// of the plugin's library, so a C plugin is never unloaded under a live
/// context (see `PluginLibrary`).
public final class NativePluginContext {
    /// The plugin this context belongs to (kept alive by the context).
    public let plugin: NativePlugin
    private let session: PluginSession

    init(plugin: NativePlugin, session: PluginSession) {
        self.plugin = plugin
        self.session = session
    }

    /// Scores one event. Allocates nothing when the plugin finds nothing;
    /// otherwise copies its labels and evidence into Swift values.
    ///
    /// Throws `PluginError.scoreFailed` with the plugin's `last_error` text
    /// when `score` returns nonzero, and `.invalidResult` when its result
    /// breaks the ABI.
    public func score(event: EventView) throws(PluginError) -> NativePluginScore {
        try session.score(event, plugin: plugin.name)
    }
}
