import CoreMetrics
import GuardlineProtocol
import Prometheus

/// The daemon's Prometheus metrics (exposed on `metrics_listen` at /metrics).
/// Workers count into plain integers and publish once per read chunk, so the
/// hot path pays one atomic add per chunk, not per event.
final class DaemonMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let events: Prometheus.Counter
    let signals: Prometheus.Counter
    let accountsFlagged: Prometheus.Counter
    let connectionsAccepted: Prometheus.Counter
    let connectionsOpen: Prometheus.Gauge
    let reloads: Prometheus.Counter
    let reloadFailures: Prometheus.Counter
    let storeFailures: Prometheus.Counter
    let generation: Prometheus.Gauge
    let storePending: Prometheus.Gauge
    let accountsInMemory: Prometheus.Gauge
    let pluginErrors: Prometheus.Counter
    let processErrors: Prometheus.Counter
    let processTimeouts: Prometheus.Counter
    private let errors: [ErrorCode: Prometheus.Counter]

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        events = registry.counter("guardline_events_total", help: "Events scored")
        signals = registry.counter("guardline_signals_total", help: "Detector signals fired (enforce and shadow)")
        accountsFlagged = registry.counter("guardline_accounts_flagged_total", help: "Accounts newly flagged")
        connectionsAccepted = registry.counter("guardline_connections_accepted_total", help: "Connections accepted")
        connectionsOpen = registry.gauge("guardline_connections_open", help: "Connections open now")
        reloads = registry.counter("guardline_reloads_total", help: "Successful reloads")
        reloadFailures = registry.counter("guardline_reload_failures_total", help: "Reloads rejected (old generation kept)")
        storeFailures = registry.counter("guardline_store_write_failures_total", help: "Failed SQLite batches (retried)")
        generation = registry.gauge("guardline_generation", help: "Running detector generation")
        storePending = registry.gauge("guardline_store_pending_rows", help: "Rows waiting for the SQLite writer")
        accountsInMemory = registry.gauge("guardline_accounts_in_memory", help: "Accounts held in memory")
        pluginErrors = registry.counter("guardline_plugin_errors_total", help: "Native plugin score calls that failed")
        processErrors = registry.counter("guardline_process_errors_total",
                                         help: "Process detector requests without a score: error replies, child deaths, refused while the breaker is open")
        processTimeouts = registry.counter("guardline_process_timeouts_total",
                                           help: "Process detector requests without a reply by their chunk's deadline")
        var errors: [ErrorCode: Prometheus.Counter] = [:]
        for code in ErrorCode.allCases {
            errors[code] = registry.counter("guardline_errors_total", labels: [("code", code.rawValue)],
                                            help: "Lines answered with an error, by code")
        }
        self.errors = errors
    }

    func countError(_ code: ErrorCode, by amount: Int) {
        errors[code]?.increment(by: Int64(amount))
    }

    /// Prometheus text exposition.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Per-worker counts, published to `DaemonMetrics` once per chunk.
struct WorkerCounters {
    var events = 0
    var signals = 0
    var pluginErrors = 0
    var processErrors = 0
    var processTimeouts = 0
    var errors: [ErrorCode: Int] = [:]

    mutating func publish(to metrics: DaemonMetrics) {
        if events > 0 { metrics.events.increment(by: Int64(events)); events = 0 }
        if signals > 0 { metrics.signals.increment(by: Int64(signals)); signals = 0 }
        if pluginErrors > 0 { metrics.pluginErrors.increment(by: Int64(pluginErrors)); pluginErrors = 0 }
        if processErrors > 0 { metrics.processErrors.increment(by: Int64(processErrors)); processErrors = 0 }
        if processTimeouts > 0 { metrics.processTimeouts.increment(by: Int64(processTimeouts)); processTimeouts = 0 }
        if !errors.isEmpty {
            for (code, count) in errors { metrics.countError(code, by: count) }
            errors.removeAll(keepingCapacity: true)
        }
    }
}

extension PrometheusCollectorRegistry {
    /// A counter exposed under exactly `name`: the descriptor's parts are
    /// joined with underscores and an empty unit is left out.
    fileprivate func counter(_ name: String, labels: [(String, String)] = [], help: String) -> Prometheus.Counter {
        makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// A gauge exposed under exactly `name` (see `counter`).
    fileprivate func gauge(_ name: String, help: String) -> Prometheus.Gauge {
        makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: [])
    }
}
