/// One detector's measured work over one window of a running daemon (a row of
/// `detector_stats`): how often it ran and fired, and what it cost per event.
/// Written every checkpoint tick, at shutdown and at the end of a replay, so
/// `guardline shadow-report` can say what a shadow detector costs.
public struct DetectorStatsRecord: Sendable, Equatable {
    public var detector: String
    public var detectorVersion: String
    /// `enforce` or `shadow`.
    public var mode: String
    /// `rules`, `native`, `velocity` or `cross_account`.
    public var kind: String
    /// Seconds since 1970: the window this row covers.
    public var windowStart: Double
    public var windowEnd: Double
    public var calls: Int
    public var fires: Int
    public var errors: Int
    public var timeouts: Int
    /// Timed calls (workers time every 16th event): the weight of the mean when windows are combined.
    public var sampledCalls: Int
    /// Mean time per timed call, in microseconds (0 when nothing was timed).
    public var latencyMeanMicroseconds: Double
    /// Longest timed call in the window, in microseconds.
    public var latencyMaxMicroseconds: Double

    public init(detector: String, detectorVersion: String, mode: String, kind: String, windowStart: Double, windowEnd: Double,
                calls: Int, fires: Int, errors: Int, timeouts: Int, sampledCalls: Int,
                latencyMeanMicroseconds: Double, latencyMaxMicroseconds: Double) {
        self.detector = detector
        self.detectorVersion = detectorVersion
        self.mode = mode
        self.kind = kind
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.calls = calls
        self.fires = fires
        self.errors = errors
        self.timeouts = timeouts
        self.sampledCalls = sampledCalls
        self.latencyMeanMicroseconds = latencyMeanMicroseconds
        self.latencyMaxMicroseconds = latencyMaxMicroseconds
    }
}
