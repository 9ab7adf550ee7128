import Foundation
import GuardlineTransport
import XCTest

final class MetricsEndToEndTests: XCTestCase {
    func test_metricsEndpoint_countsEventsAndErrorsByCode() throws {
        let daemon = try TestDaemon()
        try daemon.start(arguments: ["--metrics-listen", "127.0.0.1:0"])
        let client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "m1", account: "m"), eventLine(id: "m2", account: "m", text: "attack-phrase"), "{oops"])
        _ = try client.readLines(3)

        let metricsAddress = try XCTUnwrap(daemon.process?.metricsAddress)
        let http = try ClientSocket(connectingTo: SocketAddress(parsing: metricsAddress))
        http.setReceiveTimeout(seconds: 10)
        try http.writeAll("GET /metrics HTTP/1.1\r\nHost: guardline\r\n\r\n")
        var response = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try http.read(into: $0) }
            if n == 0 { break }
            response.append(contentsOf: chunk[0..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 OK"), text)
        XCTAssertTrue(text.contains("guardline_events_total 2"), text)
        XCTAssertTrue(text.contains("guardline_signals_total 1"), text)
        XCTAssertTrue(text.contains(#"guardline_errors_total{code="invalid_json"} 1"#), text)
        XCTAssertTrue(text.contains("guardline_connections_open 1"), text)
        XCTAssertEqual(daemon.stop(), 0)
    }
}
