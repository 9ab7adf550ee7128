import Foundation
import XCTest

final class RecordingEndToEndTests: XCTestCase {
    func test_recording_writesSampledEventsToRotatingFiles_thatReplay() throws {
        let recordings = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-rec-\(UUID().uuidString)")
        let daemon = try TestDaemon(extraConfig: """
            record:
              directory: \(recordings.path)
              sample_rate: 1
              max_file_bytes: 4096
              max_files: 3
            """)
        try daemon.start()
        let client = try LineClient(daemon.address)
        let lines = (0..<200).map { eventLine(id: "rec\($0)", account: "rec-\($0 % 7)", text: "recorded event \($0)") }
        try client.send(lines: lines + ["{not json"])
        _ = try client.readLines(201)
        XCTAssertEqual(daemon.stop(), 0)

        let files = try FileManager.default.contentsOfDirectory(atPath: recordings.path).sorted()
        XCTAssertEqual(files.count, 3, "rotated, newest three kept: \(files)")
        var recorded: [String] = []
        for file in files {
            let text = try String(contentsOfFile: recordings.appendingPathComponent(file).path, encoding: .utf8)
            XCTAssertTrue(text.hasSuffix("\n"), "files end on a line boundary")
            recorded += text.split(separator: "\n").map(String.init)
        }
        XCTAssertFalse(recorded.isEmpty)
        XCTAssertEqual(Array(lines.suffix(recorded.count)), recorded, "the newest events, verbatim, in order; invalid lines are not recorded")

        let (status, output, errors) = try TestDaemon.cli(["replay"] + files.map { recordings.appendingPathComponent($0).path }
                                                          + ["--config", daemon.configPath, "--db", daemon.directory.appendingPathComponent("replay.db").path])
        XCTAssertEqual(status, 0, errors)
        XCTAssertTrue(output.contains("replayed \(recorded.count) events"), output)
    }
}
