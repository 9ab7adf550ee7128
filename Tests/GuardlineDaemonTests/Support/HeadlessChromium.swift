import Foundation
import XCTest

/// Runs the system Chromium headless (`chromium` or `chromium-browser` on
/// PATH) with a deadline, so a hung browser fails the test instead of CI.
/// Missing Chromium is a failure, not a skip: CI installs it (`.ci/run`).
struct HeadlessChromium {
    let executable: String
    let profile: URL

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Finds the browser or fails the test with what to install.
    static func locate(file: StaticString = #filePath, line: UInt = #line) throws -> HeadlessChromium {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) {
                    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-chromium-\(UUID().uuidString)")
                    return HeadlessChromium(executable: candidate, profile: profile)
                }
            }
        }
        let message = "Chromium is required for this test and was not found on PATH as chromium or chromium-browser: apt-get install -y chromium (.ci/run installs it)"
        XCTFail(message, file: file, line: line)
        throw Failure(description: message)
    }

    /// The DOM after the page loaded and laid out, serialised (`--dump-dom`).
    func dumpDOM(of page: URL) throws -> String {
        let output = profile.appendingPathComponent("dom.html")
        try run(["--dump-dom", page.absoluteString], standardOutput: output)
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// A PNG of the first `width`×`height` pixels of the page.
    func screenshot(of page: URL, to png: URL, width: Int, height: Int) throws {
        try run(["--screenshot=\(png.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", page.absoluteString],
                standardOutput: profile.appendingPathComponent("screenshot.log"))
    }

    func removeProfile() {
        try? FileManager.default.removeItem(at: profile)
    }

    /// Runs the browser; stdout goes to a file (no pipe to fill), stderr
    /// (dbus and GPU noise) is discarded unless the run fails.
    private func run(_ arguments: [String], standardOutput: URL, timeout: TimeInterval = 90) throws {
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: standardOutput.path, contents: nil)
        let errorLog = profile.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: standardOutput)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            throw Failure(description: "\(executable) did not finish within \(Int(timeout)) s: \(arguments)")
        }
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            throw Failure(description: "\(executable) exited with status \(process.terminationStatus): \(errors.suffix(2000))")
        }
    }
}

/// The header of a PNG file: what a screenshot must be.
struct PNGHeader {
    let width: Int
    let height: Int
    let bitDepth: Int
    let colourType: Int

    /// Reads the signature and the IHDR chunk, which the format requires to come first.
    init?(_ data: Data) {
        let bytes = [UInt8](data.prefix(33))
        guard bytes.count == 33, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
              Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func bigEndian(_ offset: Int) -> Int {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        width = bigEndian(16)
        height = bigEndian(20)
        bitDepth = Int(bytes[24])
        colourType = Int(bytes[25])
    }
}
