import Dispatch
import Foundation
import GuardlineEngine
import GuardlineProtocol
import GuardlineStore
import GuardlineTransport
import Logging

/// The running daemon: wires config, generation, engine, store and server
/// together, handles signals, and shuts down without losing anything.
public final class Daemon: @unchecked Sendable {
    public struct Options: Sendable {
        public var configPath: String?
        public var listen: String?
        public var database: String?
        public var metricsListen: String?
        public var workers: Int?
        public init(configPath: String? = nil, listen: String? = nil, database: String? = nil, metricsListen: String? = nil,
                    workers: Int? = nil) {
            self.workers = workers
            self.configPath = configPath
            self.listen = listen
            self.database = database
            self.metricsListen = metricsListen
        }
    }

    public static let version = "0.1.0"

    private let logger: Logger
    private let config: DaemonConfig
    private let services: DaemonServices
    private let server: Server
    private let store: Store
    private var metricsEndpoint: MetricsEndpoint?
    private var controlEndpoint: ControlEndpoint?
    private var fileWatcher: FileWatcher?
    private var signalSources: [DispatchSourceSignal] = []
    private var maintenance: DispatchSourceTimer?
    private let control = DispatchQueue(label: "guardline.control")
    private var stopping = false
    /// When idle accounts were last evicted (owned by the `control` queue).
    private var lastSweep = 0.0
    /// Windows of per-detector statistics written to `detector_stats` (owned by the `control` queue, then by `stop`).
    private var statsRecorder = DetectorStatsRecorder(now: Worker.wallClock())
    public private(set) var listenAddress: SocketAddress?

    /// Loads and validates everything; binds nothing yet. Throws a readable
    /// error for an invalid config, detector file or database.
    public init(options: Options, logger: Logger) throws {
        self.logger = logger
        var config = DaemonConfig()
        if let path = options.configPath {
            config = try ConfigLoader.load(path: path)
        }
        if let listen = options.listen { config.listen = listen }
        if let database = options.database { config.database = database }
        if let metrics = options.metricsListen { config.metricsListen = metrics }
        if let workers = options.workers { config.workers = max(1, workers) }
        self.config = config
        let generation = try GenerationBuilder.build(number: 1, config: config)
        store = try Store.open(path: config.database)
        let metrics = DaemonMetrics()
        let writer = try store.makeWriter(maxBatchRows: config.storeBatchRows, flushInterval: config.storeFlushInterval) { [logger] (error: StoreError) in
            metrics.storeFailures.increment()
            logger.error("store.write_failed", metadata: ["error": "\(error)", "action": "rows kept in memory, retrying"])
        }
        let engine = RiskEngine(maxAccounts: config.maxAccounts, shardCount: config.accountShards)
        let recorder = config.recordDirectory.isEmpty ? nil
            : try EventRecorder(directory: config.recordDirectory, sampleRate: config.recordSampleRate,
                                maxFileBytes: config.recordMaxFileBytes, maxFiles: config.recordMaxFiles)
        services = DaemonServices(logger: logger, engine: engine, writer: writer,
                                  generations: GenerationStore(generation), metrics: metrics,
                                  maxLineBytes: config.maxLineBytes, maxPendingRows: config.storeMaxPendingRows,
                                  recorder: recorder)
        server = Server(services: services, workerCount: config.workers, maxPendingReplyBytes: config.maxPendingReplyBytes,
                        readLoops: config.usesReadLoop)
        metrics.generation.record(Int64(generation.number))
        try restoreState()
    }

    private func restoreState() throws {
        let flagged = try store.loadFlaggedAccounts()
        let orgs = try store.loadFlaggedOrgs()
        services.engine.restoreFlagged(flagged.map { (accountID: $0.accountID, orgID: $0.orgID) }, flaggedOrgs: orgs.map(\.orgID))
        services.shadowEngine.restoreFlagged(try store.loadShadowFlaggedAccounts(), flaggedOrgs: [])
        // Risk older than ~20 half-lives has decayed below a millionth: not worth restoring.
        let horizon = Worker.wallClock() - 20 * config.policy.halfLife
        let risk = try store.loadAccountRisk(updatedSince: horizon)
        services.engine.restoreRisk(risk.map {
            AccountSnapshot(accountID: $0.accountID, orgID: $0.orgID, risk: $0.risk, updatedAt: $0.updatedAt, flagged: $0.flagged)
        })
        logger.info("state.restored", metadata: ["flagged_accounts": "\(flagged.count)", "flagged_orgs": "\(orgs.count)",
                                                  "accounts_with_risk": "\(risk.count)"])
    }

    /// Binds the listeners, starts timers and signal handling, and logs the start line.
    public func start() throws {
        raiseDescriptorLimit()
        let responses = ResponseMode(rawValue: config.responses) ?? .verdict
        let bound = try server.listen(on: SocketAddress(parsing: config.listen), responses: responses)
        listenAddress = bound
        var ingest = ""
        if !config.ingestListen.isEmpty {
            ingest = try server.listen(on: SocketAddress(parsing: config.ingestListen), responses: .none).description
        }
        var metricsAddress = ""
        if !config.metricsListen.isEmpty {
            let endpoint = try MetricsEndpoint(address: SocketAddress(parsing: config.metricsListen), metrics: services.metrics)
            metricsEndpoint = endpoint
            metricsAddress = endpoint.address.description
        }
        let controlPath = config.resolvedControlSocket
        controlEndpoint = try ControlEndpoint(path: controlPath) { [weak self] request in
            guard let self else { return ["ok": false, "error": "daemon stopping"] }
            return self.control.sync { self.handleControl(request) }
        }
        installSignalHandlers()
        startMaintenance()
        startWatching()
        let generation = services.generations.current
        logger.info("guardline.started", metadata: [
            "version": "\(Self.version)",
            "config": "\(config.sourcePath ?? "(built-in defaults)")",
            "listen": "\(bound)",
            "ingest_listen": "\(ingest)",
            "metrics": "\(metricsAddress)",
            "control": "\(controlPath)",
            "database": "\(config.database)",
            "workers": "\(config.workers)",
            "read_loop": "\(config.usesReadLoop ? "on" : "off")",
            "generation": "\(generation.number)",
            "detectors": "\(generation.detectors.map { "\($0.name)@\($0.version)(\($0.kind),\($0.mode))" }.joined(separator: " "))",
        ])
    }

    /// Thousands of connections need thousands of descriptors: lift the soft
    /// limit to the hard one (systemd's LimitNOFILE sets the hard one).
    private func raiseDescriptorLimit() {
        if let errno = DescriptorLimit.raise().failedErrno {
            logger.warning("limits.nofile_unchanged", metadata: ["errno": "\(errno)"])
        }
    }

    /// Blocks the calling thread forever; the process exits from the signal handler.
    public func runForever() -> Never {
        dispatchMain()
    }

    private func installSignalHandlers() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: control)
            source.setEventHandler { [self] in
                logger.notice("guardline.stopping", metadata: ["signal": "\(sig == SIGTERM ? "SIGTERM" : "SIGINT")"])
                let code = stop()
                exit(code)
            }
            source.activate()
            signalSources.append(source)
        }
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: control)
        hup.setEventHandler { [self] in _ = reload(trigger: "SIGHUP") }
        hup.activate()
        signalSources.append(hup)
    }

    /// Rebuilds the generation from the config file and swaps it in when
    /// everything validated; otherwise keeps the running one and says why.
    @discardableResult
    public func reload(trigger: String) -> Result<UInt64, ConfigError> {
        let current = services.generations.current
        do throws(ConfigError) {
            var next = current.config
            if let path = config.sourcePath {
                next = try ConfigLoader.load(path: path)
                // Keys that need a restart keep their running values.
                next.listen = config.listen
                next.database = config.database
            }
            let generation = try GenerationBuilder.build(number: current.number + 1, config: next, previous: current)
            _ = services.generations.swap(generation)
            server.adoptCurrentGeneration()
            services.metrics.reloads.increment()
            services.metrics.generation.record(Int64(generation.number))
            logger.notice("reload.applied", metadata: ["trigger": "\(trigger)", "generation": "\(generation.number)",
                                                       "detectors": "\(generation.detectors.count)"])
            return .success(generation.number)
        } catch {
            services.metrics.reloadFailures.increment()
            logger.error("reload.rejected", metadata: ["trigger": "\(trigger)", "generation": "\(current.number)",
                                                       "error": "\(error)"])
            return .failure(error)
        }
    }

    /// Runs one control-socket command (on the control queue, so reloads never overlap).
    private func handleControl(_ request: [String: Any]) -> [String: Any] {
        switch request["command"] as? String {
        case "reload":
            switch reload(trigger: "control socket") {
            case .success(let number): return ["ok": true, "generation": number]
            case .failure(let error): return ["ok": false, "error": error.description,
                                              "generation": services.generations.current.number]
            }
        case "status":
            let generation = services.generations.current
            let statistics = services.statistics.snapshot()
            return [
                "ok": true,
                "version": Self.version,
                "generation": generation.number,
                "config": config.sourcePath ?? "(built-in defaults)",
                "listen": listenAddress?.description ?? "",
                "connections_open": server.openConnections,
                "accounts_in_memory": services.engine.accountCount,
                "store_pending_rows": services.writer.currentStatistics.pendingRows,
                "detectors": generation.detectors.enumerated().map { index, detector -> [String: Any] in
                    let counters = statistics[detector.name] ?? DetectorStatistics.Counters()
                    var row: [String: Any] = ["name": detector.name, "version": detector.version, "kind": detector.kind,
                            "mode": detector.mode, "severity": "\(detector.severity)", "file_hash": detector.fileHash,
                            "calls": counters.calls, "fires": counters.fires, "errors": counters.errors,
                            "timeouts": counters.timeouts, "mean_us": (counters.meanMicroseconds * 100).rounded() / 100]
                    if let slot = generation.processes.first(where: { $0.detector == index }) {
                        row.merge(ProcessDetectorStatus.fields(of: slot.running.detector)) { _, new in new }
                    }
                    return row
                },
            ]
        default:
            return ["ok": false, "error": "unknown command; use reload or status"]
        }
    }

    /// Watches the config file's directory and the detectors directory; a
    /// change triggers the same build-validate-swap as SIGHUP.
    private func startWatching() {
        guard config.watch else { return }
        var directories = [GenerationBuilder.detectorsDirectory(for: config)]
        if let source = config.sourcePath {
            directories.append(URL(fileURLWithPath: source).deletingLastPathComponent().path)
        }
        // Learned models may live outside the detectors directory (config/models/):
        // watch the directories of the models loaded at start too.
        for learned in services.generations.current.learned {
            directories.append(URL(fileURLWithPath: learned.modelPath).deletingLastPathComponent().path)
        }
        do {
            let configName = config.sourcePath.map { URL(fileURLWithPath: $0).lastPathComponent }
            fileWatcher = try FileWatcher(directories: directories, relevantNames: Set([configName].compactMap { $0 }),
                                          queue: control) { [weak self] in
                _ = self?.reload(trigger: "file change")
            }
        } catch {
            logger.warning("watch.unavailable", metadata: ["error": "\(error)", "fallback": "SIGHUP or guardline reload"])
        }
    }

    private func startMaintenance() {
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now() + config.checkpointInterval, repeating: config.checkpointInterval)
        timer.setEventHandler { [self] in
            // Eviction walks every account, so it runs once a minute; the
            // checkpoint only visits accounts that changed, so it runs often.
            let now = Worker.wallClock()
            let sweep = now - lastSweep >= 60
            if sweep { lastSweep = now }
            checkpoint(sweep: sweep)
        }
        timer.activate()
        maintenance = timer
    }

    private func checkpoint(sweep: Bool) {
        let engine = services.engine
        if sweep {
            let now = Worker.wallClock()
            let generation = services.generations.current
            let longestWindow = (generation.behaviour.crossAccount.map(\.window) + generation.behaviour.velocity.map(\.window)).max() ?? 0
            engine.sweep(idleBefore: now - config.idleTTL, clustersBefore: now - max(60, longestWindow))
        }
        let snapshots = engine.takeCheckpoint()
        if !snapshots.isEmpty {
            services.writer.enqueue(risk: snapshots.map {
                AccountRiskRecord(accountID: $0.accountID, orgID: $0.orgID, risk: $0.risk, updatedAt: $0.updatedAt, flagged: $0.flagged)
            })
        }
        // Detector statistics in one-minute windows (with the sweep) and a last one at shutdown:
        // a row per detector per minute keeps the table small.
        if sweep || stopping {
            services.writer.enqueue(detectorStats: statsRecorder.takeWindow(statistics: services.statistics,
                                                                            generation: services.generations.current, now: Worker.wallClock()))
        }
        services.metrics.accountsInMemory.record(Int64(engine.accountCount))
        services.metrics.storePending.record(Int64(services.writer.currentStatistics.pendingRows))
    }

    /// Graceful stop: stop accepting, answer everything already read, flush
    /// every signal, flag and risk checkpoint to SQLite. Returns the exit code.
    public func stop() -> Int32 {
        guard !stopping else { return 0 }
        stopping = true
        maintenance?.cancel()
        server.shutdown(timeout: 10)
        metricsEndpoint?.close()
        controlEndpoint?.close()
        fileWatcher?.stop()
        checkpoint(sweep: false)
        if let recorder = services.recorder {
            recorder.close()
            if recorder.skippedSamples > 0 {
                logger.warning("recorder.samples_skipped", metadata: [
                    "count": "\(recorder.skippedSamples)", "directory": "\(recorder.directory)",
                ])
            }
        }
        do {
            try services.writer.close(timeout: 60)
            logger.notice("guardline.stopped", metadata: ["store": "flushed"])
            return 0
        } catch {
            logger.critical("guardline.stop_flush_failed", metadata: ["error": "\(error)"])
            return 1
        }
    }
}
