import GuardlineDetectors
import GuardlineProtocol

/// A loaded `kind: learned` detector of a generation. The model is immutable
/// and scoring allocates nothing, so every worker shares it: no per-worker
/// context, unlike native plugins.
public struct LearnedDetector: Sendable {
    /// Index in `Generation.detectors`.
    public let detector: Int
    public let model: LinearModel
    /// Where the model was loaded from (its directory is watched for changes).
    public let modelPath: String
    public let threshold: Double
    public let labels: [String]
    /// Bit `1 << role.rawValue` per role scored.
    let roleMask: UInt8

    init(detector: Int, model: LinearModel, spec: LearnedSpec) {
        self.detector = detector
        self.model = model
        modelPath = spec.modelPath
        threshold = spec.threshold ?? model.recommendedThreshold
        labels = spec.labels
        roleMask = spec.roles.isEmpty ? 0xFF : spec.roles.reduce(0) { $0 | 1 << $1.rawValue }
    }

    @inline(__always)
    func reads(_ role: Role) -> Bool { roleMask & (1 << role.rawValue) != 0 }

    /// The signal's evidence: the start of the text (or of the first tool
    /// call's arguments), at most 160 bytes cut on a character boundary.
    /// Only built when the detector fires.
    static func evidence(of event: EventView) -> String {
        var field = event.text
        if field.count == 0, event.toolCallCount > 0 { field = event.toolCall(0).arguments }
        var end = min(field.count, 160)
        // Back up to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
        while end < field.count, end > 0, field[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: field[0..<end]), as: UTF8.self)
    }
}
