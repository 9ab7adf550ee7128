import Foundation

/// Builds a fixture C plugin with `cc -shared -fPIC`, the way plugin authors
/// build C plugins. SwiftPM's own builds of the C fixtures cannot stand in:
/// SwiftPM links every dynamic library product with `swiftc`, which adds
/// `libswiftCore.so` and `swiftrt.o` (registering the image with the Swift
/// runtime), so the loader rightly treats them as Swift and never unloads them.
enum CPluginCompiler {
    enum CompileError: Error {
        case failed(status: Int32, output: String)
    }

    /// Compiles `Tests/Fixtures/Plugins/<fixture>/<source>` into
    /// `directory/<name>` (mode 0755) and returns that path.
    static func build(fixture: String, source: String, into directory: String, as name: String = "plugin.so",
                      flags: [String] = []) throws -> String {
        let root = ScanSupport.packageRoot()
        let output = "\(directory)/\(name)"
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-O2", "-Wall", "-I", "\(root)/Sources/GuardlinePluginABI/include"]
            + flags + ["-o", output, "\(root)/Tests/Fixtures/Plugins/\(fixture)/\(source)"]
        let pipe = Pipe()
        compiler.standardOutput = pipe
        compiler.standardError = pipe
        try compiler.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else { throw CompileError.failed(status: compiler.terminationStatus, output: text) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: output)
        return output
    }

    static func keyword(into directory: String, as name: String = "plugin.so") throws -> String {
        try build(fixture: "ExampleKeywordPlugin", source: "example_keyword_plugin.c", into: directory, as: name)
    }

    static func constant(into directory: String, as name: String = "plugin.so", flags: [String] = []) throws -> String {
        try build(fixture: "FixtureConstantPlugin", source: "fixture_constant_plugin.c", into: directory, as: name, flags: flags)
    }
}
