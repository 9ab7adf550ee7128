/// How the CLI prints query results: aligned columns for people, JSON and CSV for scripts.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table
    case json
    case csv
}
