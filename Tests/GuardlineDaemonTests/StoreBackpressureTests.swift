import Foundation
import GRDB
import XCTest

/// When SQLite cannot write (here: another process holds an exclusive lock,
/// as a stuck backup or a full disk would), the daemon stops reading instead
/// of growing memory or dropping rows; once SQLite recovers, every verdict
/// and every signal row arrives.
final class StoreBackpressureTests: XCTestCase {
    func test_lockedDatabase_pausesIngestion_thenEverythingArrives() throws {
        let daemon = try TestDaemon(extraConfig: "store:\n  max_pending_rows: 1000\n")
        try daemon.start()

        // Another process takes the write lock and keeps it.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [daemon.databasePath]
        let input = Pipe()
        sqlite.standardInput = input
        sqlite.standardOutput = FileHandle.nullDevice
        try sqlite.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nSELECT 1;\n".utf8))
        usleep(300_000)

        let client = try LineClient(daemon.address)
        let total = 6000
        let socket = client.socket
        let payload = (0..<total).map { eventLine(id: "bp\($0)", account: "bp-\($0 % 50)", text: "attack-phrase") + "\n" }.joined()
        let writer = Thread { try? socket.writeAll(payload) }
        writer.start()
        // Replies stop coming once more than the backlog limit is waiting for SQLite.
        client.socket.setReceiveTimeout(seconds: 3)
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            guard let n = try? buffer.withUnsafeMutableBytes({ try client.socket.read(into: $0) }), n > 0 else { break }
            received += buffer[0..<n].filter { $0 == 0x0A }.count
        }
        XCTAssertLessThan(received, total, "ingestion paused while SQLite was locked")
        XCTAssertTrue(daemon.process?.log.contains("store.backpressure") ?? false, daemon.process?.log ?? "")

        // SQLite recovers: everything accepted is answered and stored.
        input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
        try input.fileHandleForWriting.close()
        sqlite.waitUntilExit()
        client.socket.setReceiveTimeout(seconds: 30)
        while received < total {
            guard let n = try? buffer.withUnsafeMutableBytes({ try client.socket.read(into: $0) }), n > 0 else { break }
            received += buffer[0..<n].filter { $0 == 0x0A }.count
        }
        XCTAssertEqual(received, total)
        XCTAssertEqual(daemon.stop(), 0)
        let rows = try DatabaseQueue(path: daemon.databasePath).read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM signals WHERE event_id LIKE 'bp%'")
        }
        XCTAssertEqual(rows, total, "no signal row was dropped")
    }
}
