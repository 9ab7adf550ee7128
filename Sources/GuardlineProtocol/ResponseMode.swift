/// What a client asked for in its `hello`: whether each event gets a verdict line back.
public enum ResponseMode: String, Sendable, CaseIterable {
    /// One verdict (or error) line per event: the default for a connection.
    case verdict
    /// Fire and forget: no response lines at all, errors included (for log shippers that never read).
    case none
}
