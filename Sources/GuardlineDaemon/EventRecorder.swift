import Dispatch
import Foundation
import Synchronization

/// Sampled capture of incoming events to rotating NDJSON files, so
/// production traffic can be replayed later (`guardline replay`).
///
/// Off the hot path: a worker only copies a sampled line into a shared
/// buffer; a background queue writes it out every 200 ms. Files rotate at
/// `maxFileBytes` and only the newest `maxFiles` are kept. Recording is a
/// best-effort copy: if the disk falls far behind (64 MiB buffered), further
/// samples are skipped and counted, never the events themselves. Shared
/// state is the mutex-guarded buffer; file state belongs to `queue`.
final class EventRecorder: @unchecked Sendable {
    struct Buffer {
        var bytes: [UInt8] = []
        var skipped = 0
    }

    let directory: String
    let sampleRate: Double
    private let maxFileBytes: Int
    private let maxFiles: Int
    private let buffer = Mutex(Buffer())
    private let queue = DispatchQueue(label: "guardline.recorder")
    private let timer: DispatchSourceTimer
    private final class FileState: @unchecked Sendable {
        var handle: FileHandle?
        var written = 0
        var sequence = 0
    }
    private let file = FileState()
    static let bufferLimit = 64 << 20

    init(directory: String, sampleRate: Double, maxFileBytes: Int, maxFiles: Int) throws {
        self.directory = directory
        self.sampleRate = sampleRate
        self.maxFileBytes = maxFileBytes
        self.maxFiles = max(1, maxFiles)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 0.2, repeating: 0.2)
        timer.setEventHandler { [weak self] in self?.drain() }
        timer.activate()
    }

    /// Copies one line (called by a worker for a sampled event).
    func record(_ line: UnsafeRawBufferPointer) {
        buffer.withLock { buffer in
            guard buffer.bytes.count + line.count < Self.bufferLimit else {
                buffer.skipped += 1
                return
            }
            buffer.bytes.append(contentsOf: line)
            buffer.bytes.append(0x0A)
        }
    }

    /// Samples not recorded: skipped while the disk was far behind, or lost
    /// because a file could not be created (disk full, permissions).
    var skippedSamples: Int { buffer.withLock { $0.skipped } }

    /// Writes everything buffered; at shutdown, after the workers stopped.
    func close() {
        timer.cancel()
        queue.sync {
            drain()
            try? file.handle?.close()
            file.handle = nil
        }
    }

    private func drain() {
        let pending = buffer.withLock { buffer -> [UInt8] in
            let bytes = buffer.bytes
            buffer.bytes = []
            return bytes
        }
        guard !pending.isEmpty else { return }
        var offset = 0
        while offset < pending.count {
            if file.handle == nil || file.written >= maxFileBytes { rotate() }
            guard let handle = file.handle else {
                // No file could be created: count what is dropped instead of losing it silently.
                let lost = pending[offset...].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
                buffer.withLock { $0.skipped += lost }
                return
            }
            // Cut files on line boundaries so each one replays on its own.
            let room = max(1, maxFileBytes - file.written)
            var end = min(pending.count, offset + room)
            if end < pending.count, let newline = pending[offset..<end].lastIndex(of: 0x0A) { end = newline + 1 }
            else if end < pending.count, let newline = pending[end...].firstIndex(of: 0x0A) { end = newline + 1 }
            handle.write(Data(pending[offset..<end]))
            file.written += end - offset
            offset = end
        }
    }

    private func rotate() {
        try? file.handle?.close()
        file.sequence += 1
        let stamp = Int(Date().timeIntervalSince1970)
        let path = "\(directory)/events-\(stamp)-\(String(format: "%06d", file.sequence)).ndjson"
        file.handle = FileManager.default.createFile(atPath: path, contents: nil)
            ? FileHandle(forWritingAtPath: path) : nil
        file.written = 0
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("events-") && $0.hasSuffix(".ndjson") }.sorted()
        for old in files.dropLast(maxFiles) { try? FileManager.default.removeItem(atPath: "\(directory)/\(old)") }
    }
}
