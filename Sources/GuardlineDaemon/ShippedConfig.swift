import Foundation

/// Where the shipped starter detectors are found when no config file names a
/// directory: a source checkout (the quick start), or an installed copy.
enum ShippedConfig {
    static var detectorsDirectory: String {
        candidates().first { FileManager.default.fileExists(atPath: $0) } ?? "config/detectors"
    }

    /// Search order: `$GUARDLINE_HOME/config/detectors`, `./config/detectors`,
    /// the checkout that holds the running binary (`.build/<triple>/<mode>/guardline`),
    /// `/etc/guardline/detectors`, `/usr/share/guardline/detectors`.
    static func candidates() -> [String] {
        var paths: [String] = []
        if let home = ProcessInfo.processInfo.environment["GUARDLINE_HOME"] {
            paths.append("\(home)/config/detectors")
        }
        paths.append(FileManager.default.currentDirectoryPath + "/config/detectors")
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            paths.append(url.appendingPathComponent("config/detectors").path)
            url = url.deletingLastPathComponent()
        }
        paths.append("/etc/guardline/detectors")
        paths.append("/usr/share/guardline/detectors")
        return paths
    }
}
