/// `guardline check-config`: the same validation `serve` runs before it starts.
public enum ConfigCheck {
    public static func run(configPath: String?) -> Result<String, ConfigError> {
        do {
            var config = DaemonConfig()
            if let configPath { config = try ConfigLoader.load(path: configPath) }
            let generation = try GenerationBuilder.build(number: 1, config: config)
            var lines = ["config: \(configPath ?? "(built-in defaults)") OK",
                         "detectors: \(GenerationBuilder.detectorsDirectory(for: config)) — \(generation.detectors.count) loaded"]
            for detector in generation.detectors {
                lines.append("  \(detector.name) \(detector.version) kind=\(detector.kind) mode=\(detector.mode) severity=\(detector.severity) hash=\(detector.fileHash)")
            }
            return .success(lines.joined(separator: "\n"))
        } catch {
            return .failure(error)
        }
    }
}
