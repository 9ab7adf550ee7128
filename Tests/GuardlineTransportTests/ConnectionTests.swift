import Dispatch
import Foundation
import XCTest
@testable import GuardlineTransport

/// An echo-ish delegate: answers each read with `reply` repeated per byte read, counting reads.
private final class Recorder: ConnectionDelegate, @unchecked Sendable {
    let lock = NSLock()
    var received: [UInt8] = []
    var ended = false
    var closed = DispatchSemaphore(value: 0)
    let replyPerByte: Int

    init(replyPerByte: Int = 0) { self.replyPerByte = replyPerByte }

    func connectionReadable(_ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { connection.read(into: $0) }
        guard n > 0 else { return }
        lock.lock(); received.append(contentsOf: buffer[0..<n]); lock.unlock()
        if replyPerByte > 0 {
            let reply = [UInt8](repeating: 0x41, count: n * replyPerByte)
            reply.withUnsafeBytes { connection.send($0) }
        }
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        lock.lock(); ended = true; lock.unlock()
    }

    func connectionClosed(_ connection: Connection) { closed.signal() }

    var count: Int { lock.lock(); defer { lock.unlock() }; return received.count }
}

final class ConnectionTests: XCTestCase {
    /// The read loop of the last `serve(_:readLoop: true)`, stopped after each test.
    private var loop: ReadLoop?

    override func tearDown() {
        loop?.stop()
        loop = nil
        super.tearDown()
    }

    private func serve(_ delegate: Recorder, highWatermark: Int = 4 << 20,
                       readLoop: Bool = false) throws -> (Listener, SocketAddress, () -> Connection?) {
        let queue = DispatchQueue(label: "test.accept")
        let connectionQueue = DispatchQueue(label: "test.connection")
        if readLoop { loop = try ReadLoop(label: "test.read", queue: connectionQueue) }
        let loop = self.loop
        final class Box: @unchecked Sendable { let lock = NSLock(); var connection: Connection? }
        let box = Box()
        let listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), queue: queue) { fd in
            let connection = Connection(fd: fd, id: 1, queue: connectionQueue, readLoop: loop,
                                        highWatermark: highWatermark, lowWatermark: highWatermark / 4)
            connection.delegate = delegate
            box.lock.lock(); box.connection = connection; box.lock.unlock()
            connection.start()
        }
        listener.start()
        return (listener, listener.address, { box.lock.lock(); defer { box.lock.unlock() }; return box.connection })
    }

    func test_listener_bindsEphemeralPort_andReportsIt() throws {
        let (listener, address, _) = try serve(Recorder())
        defer { listener.close() }
        XCTAssertNotEqual(address.port, 0)
        XCTAssertEqual(address.host, "127.0.0.1")
    }

    func test_connection_readsEverything_thenReportsEndOfInputAndCloses() throws {
        try readsEverything(readLoop: false)
    }

    /// The same through a `ReadLoop`; the closed descriptor leaves the loop's set.
    func test_connectionOnReadLoop_readsEverything_thenReportsEndOfInputAndCloses() throws {
        try readsEverything(readLoop: true)
        XCTAssertEqual(loop?.watchedCount, 0, "a closed connection is no longer watched")
    }

    private func readsEverything(readLoop: Bool) throws {
        let recorder = Recorder()
        let (listener, address, _) = try serve(recorder, readLoop: readLoop)
        defer { listener.close() }
        let client = try ClientSocket(connectingTo: address)
        let payload = [UInt8]((0..<300_000).map { UInt8($0 % 251) })
        try client.writeAll(payload)
        client.shutdownWrite()
        XCTAssertEqual(recorder.closed.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(recorder.received, payload)
        XCTAssertTrue(recorder.ended)
    }

    func test_backpressure_pausesReadingFromAPeerThatDoesNotRead_thenResumes() throws {
        try pausesAndResumes(readLoop: false)
    }

    /// The same through a `ReadLoop`: a paused connection leaves the loop's
    /// set (so it is not read, and a hang-up cannot spin the loop) and rejoins it.
    func test_backpressureOnReadLoop_pausesReadingFromAPeerThatDoesNotRead_thenResumes() throws {
        try pausesAndResumes(readLoop: true)
    }

    private func pausesAndResumes(readLoop: Bool) throws {
        let recorder = Recorder(replyPerByte: 8)
        let (listener, address, accepted) = try serve(recorder, highWatermark: 256 << 10, readLoop: readLoop)
        defer { listener.close() }
        let client = try ClientSocket(connectingTo: address)
        client.setNonBlocking(true)
        // Offer far more than the high watermark worth of replies without reading any.
        let chunk = [UInt8](repeating: 0x42, count: 64 << 10)
        var offered = 0
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let n = (try? chunk.withUnsafeBytes { try client.writeSome($0) }) ?? 0
            offered += n
            if n == 0 { usleep(20_000) }
            if offered > 64 << 20 { break }
        }
        let connection = try XCTUnwrap(accepted())
        let paused = connection.queue.sync { connection.isReadPaused }
        XCTAssertTrue(paused, "reading pauses while replies pile up")
        if readLoop { XCTAssertEqual(loop?.watchedCount, 0, "a paused connection is not watched") }
        XCTAssertLessThan(offered, 64 << 20, "the client is pushed back instead of the daemon buffering without bound")
        let pending = connection.queue.sync { connection.pendingBytes }
        XCTAssertLessThan(pending, (256 << 10) + 8 * (64 << 10) + 1, "the unread backlog stays bounded")
        // Drain replies: reading resumes and everything offered is eventually received.
        // Read every reply (8 per byte offered): only with the backlog empty is
        // the connection sure to be reading again; with replies still unread
        // it may rightly have paused once more.
        var sink = [UInt8](repeating: 0, count: 1 << 20)
        var replies = 0
        let until = Date().addingTimeInterval(20)
        while (recorder.count < offered || replies < offered * 8) && Date() < until {
            let n = (try? sink.withUnsafeMutableBytes { try client.readSome(into: $0) }) ?? 0
            replies += n
            if n == 0 { usleep(1_000) }
        }
        XCTAssertEqual(recorder.count, offered)
        XCTAssertEqual(replies, offered * 8, "every reply arrives")
        if readLoop {
            // Resuming happens on the connection's queue once the write side drains.
            let watchedBy = Date().addingTimeInterval(5)
            while loop?.watchedCount != 1 && Date() < watchedBy { usleep(1_000) }
            XCTAssertEqual(loop?.watchedCount, 1, "a resumed connection is watched again")
        }
    }

    func test_descriptorLimit_raisesTheSoftLimitWithinTheHardOne_andNeverLowersIt() {
        let before = DescriptorLimit.raise(to: 0)
        XCTAssertGreaterThan(before.soft, 0, "the limit is readable")
        XCTAssertNil(before.failedErrno)
        let raised = DescriptorLimit.raise(to: before.soft + 1)
        XCTAssertNil(raised.failedErrno)
        XCTAssertGreaterThanOrEqual(raised.soft, before.soft)
        XCTAssertEqual(DescriptorLimit.raise(to: 1).soft, raised.soft, "asking for less never lowers it")
        let hard = DescriptorLimit.raise()
        XCTAssertGreaterThanOrEqual(hard.soft, raised.soft, "with no target it goes to the hard limit")
    }

    func test_socketAddress_parsesIPv4IPv6AndRejectsNames() throws {
        XCTAssertEqual(try SocketAddress(parsing: "127.0.0.1:7878").port, 7878)
        XCTAssertEqual(try SocketAddress(parsing: "[::1]:9").family, .ipv6)
        XCTAssertEqual(try SocketAddress(parsing: "localhost:1").host, "127.0.0.1")
        XCTAssertThrowsError(try SocketAddress(parsing: "example.com:80"))
        XCTAssertThrowsError(try SocketAddress(parsing: "127.0.0.1"))
        XCTAssertThrowsError(try SocketAddress(parsing: "127.0.0.1:99999"))
    }

    func test_clientToClosedPort_failsWithErrno() {
        XCTAssertThrowsError(try ClientSocket(connectingTo: SocketAddress(host: "127.0.0.1", port: 1))) { error in
            XCTAssertTrue("\(error)".contains("connect"), "\(error)")
        }
    }
}
