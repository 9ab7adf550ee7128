import Foundation
import GuardlineDetectors
import GuardlineEngine

/// Builds a complete `Generation` from a config: loads and validates every
/// detector file, compiles the rules into Vectorscan databases, and maps
/// behavioural detectors onto the engine. Throws without side effects, so a
/// failed build leaves the running generation untouched.
enum GenerationBuilder {
    /// `previous` (the running generation, on reload) lends its process
    /// detectors whose name, file and settings are unchanged: their children
    /// keep running instead of restarting.
    static func build(number: UInt64, config: DaemonConfig, previous: Generation? = nil) throws(ConfigError) -> Generation {
        let directory = detectorsDirectory(for: config)
        let catalog: DetectorCatalog
        let ruleEngine: RuleEngine
        do {
            catalog = try DetectorCatalog.load(directory: directory)
            ruleEngine = try RuleEngine(definitions: catalog.definitions)
        } catch {
            throw .detectors(Self.lines(of: error))
        }
        var detectors: [DetectorInfo] = []
        var natives: [NativeDetector] = []
        var learned: [LearnedDetector] = []
        var processes: [ProcessDetectorSlot] = []
        let running = Dictionary((previous?.processes ?? []).map { ($0.running.key, $0.running) }, uniquingKeysWith: { first, _ in first })
        var velocity: [VelocityRule] = []
        var crossAccount: [CrossAccountRule] = []
        // Rule detectors first, in the rule engine's order, so a rule hit's index is a detector index.
        let ordered = catalog.definitions.filter { if case .rules = $0.kind { return true }; return false }
            + catalog.definitions.filter { if case .rules = $0.kind { return false }; return true }
        for definition in ordered {
            let index = detectors.count
            let severity = SignalSeverity(definition.severity)
            let enforcing = definition.mode == .enforce
            var labels: [String] = []
            switch definition.kind {
            case .rules:
                break
            case .velocity(let spec):
                labels = spec.labels
                velocity.append(VelocityRule(detector: index, metric: spec.metric, count: spec.count,
                                             window: spec.windowSeconds, score: spec.score,
                                             severity: severity, enforcing: enforcing))
            case .native(let spec):
                do {
                    let plugin = try NativePlugin.load(path: spec.path, config: spec.configJSON)
                    natives.append(NativeDetector(detector: index, plugin: plugin, threshold: spec.threshold))
                } catch {
                    throw .detectors(["\(definition.sourcePath): native detector '\(definition.name)' (plugin \(spec.path)): \(error)"])
                }
            case .learned(let spec):
                labels = spec.labels
                do {
                    let model = try LinearModelFile.load(path: spec.modelPath)
                    learned.append(LearnedDetector(detector: index, model: model, spec: spec))
                } catch {
                    throw .detectors(["\(definition.sourcePath): learned detector '\(definition.name)': \(error)"])
                }
            case .process(let spec):
                labels = spec.labels
                let key = RunningProcessDetector.Key(name: definition.name, fileHash: definition.fileHash, spec: spec)
                do {
                    let detector = try running[key] ?? RunningProcessDetector(key: key)
                    processes.append(ProcessDetectorSlot(detector: index, running: detector, threshold: spec.threshold,
                                                         labels: spec.labels))
                } catch {
                    throw .detectors(["\(definition.sourcePath): process detector '\(definition.name)': \(error)"])
                }
            case .crossAccount(let spec):
                labels = spec.labels
                crossAccount.append(CrossAccountRule(detector: index, accounts: spec.accounts,
                                                     window: spec.windowSeconds, minTextLength: spec.minTextLength,
                                                     requireSignal: spec.requireSignal,
                                                     score: spec.score, severity: severity, enforcing: enforcing))
            }
            detectors.append(DetectorInfo(name: definition.name, version: definition.version, kind: definition.kind.name,
                                          mode: definition.mode.rawValue, severity: severity,
                                          fileHash: definition.fileHash, labels: labels))
        }
        let behaviour = BehaviourRules(policy: config.policy, orgPolicy: config.orgPolicy, velocity: velocity,
                                       crossAccount: crossAccount, detectorNames: detectors.map(\.name),
                                       detectorVersions: detectors.map(\.version), detectorLabels: detectors.map(\.labels))
        return Generation(number: number, config: config, ruleEngine: ruleEngine, behaviour: behaviour,
                          detectors: detectors, natives: natives, learned: learned, processes: processes)
    }

    /// The detectors directory: absolute as given, otherwise next to the config
    /// file; with no config file, the shipped `config/detectors`.
    static func detectorsDirectory(for config: DaemonConfig) -> String {
        if config.detectors.hasPrefix("/") { return config.detectors }
        if let source = config.sourcePath {
            let base = URL(fileURLWithPath: source).deletingLastPathComponent()
            return base.appendingPathComponent(config.detectors).path
        }
        return ShippedConfig.detectorsDirectory
    }

    static func lines(of error: any Error) -> [String] {
        if let detectorError = error as? DetectorError {
            return detectorError.description.split(separator: "\n").map(String.init)
        }
        return ["\(error)"]
    }
}

extension SignalSeverity {
    init(_ severity: Severity) {
        switch severity {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .critical: self = .critical
        }
    }
}
