import GuardlineProtocol

/// A pattern matched by `ByteRunPattern`, with its global pattern id.
struct RunPatternEntry: Sendable {
    let id: Int
    let pattern: ByteRunPattern
}

/// What a scanner needs to know about one compiled rules detector.
public struct RuleDetectorInfo: Sendable {
    public let name: String
    public let version: String
    public let mode: DetectorMode
    public let severity: Severity
    public let scoring: ScoringMethod
    public let threshold: Double
    public let patternCount: Int
    public let sourcePath: String
    public let fileHash: String
}

/// One detector that fired on one event.
public struct RuleHit: Sendable, Equatable {
    /// Index into `RuleEngine.rules`.
    public let detectorIndex: Int
    /// The combined weight of the patterns that matched, in (0, 1].
    public let score: Double
    /// The labels of the patterns that matched, in pattern order, each once.
    public let labels: [String]
    /// Up to ~160 bytes of the field around the detector's first match, newlines
    /// replaced by spaces: enough for an on-call engineer to see why.
    public let evidence: String

    public init(detectorIndex: Int, score: Double, labels: [String], evidence: String) {
        self.detectorIndex = detectorIndex
        self.score = score
        self.labels = labels
        self.evidence = evidence
    }
}

/// All rules detectors of one catalog generation, compiled once into
/// Vectorscan databases: one per field kind (text, tool-call name, tool-call
/// arguments) and role, each holding every pattern that reads that field for
/// that role, so an event costs one scan per field however many detectors
/// there are. Pattern ids are global: id → (detector, pattern) via
/// `patternDetector` and `detectorPatterns`.
///
/// Immutable and shared by every worker; each worker scans with its own
/// `RuleScanner`.
public final class RuleEngine: Sendable {
    /// The rules detectors, in the order of the definitions given; velocity and
    /// cross-account definitions are skipped (the engine evaluates those).
    public let rules: [RuleDetectorInfo]

    // Flattened tables, indexed by global pattern id (patterns of detector d
    // are the contiguous range `detectorPatterns[d]`).
    let patternDetector: [Int]
    let patternWeight: [Double]
    let patternLabels: [[String]]
    let detectorPatterns: [Range<Int>]
    /// Per field (`DetectorField.index`) and role (`Role.rawValue`): the
    /// database of the patterns that read that field for that role, nil when
    /// there are none. Splitting by role means a user message never pays for
    /// the shell-command patterns only assistant and tool events need (about a
    /// fifth of the scan time on the shipped set); identical pattern sets share
    /// one database.
    let databases: [[VectorscanDatabase?]]
    /// Every distinct database, for sizing a scratch.
    let distinctDatabases: [VectorscanDatabase]
    /// Per field and role, like `databases`: the `[class]{N,}` patterns that
    /// `ByteRunPattern` matches instead of Vectorscan (see there for why).
    let runPatterns: [[[RunPatternEntry]]]

    /// Compiles every pattern of every rules definition. Throws `.invalid` with
    /// one diagnostic per pattern Vectorscan rejects, at the pattern's position.
    public init(definitions: [DetectorDefinition]) throws(DetectorError) {
        var rules: [RuleDetectorInfo] = []
        var patternDetector: [Int] = []
        var patternWeight: [Double] = []
        var patternLabels: [[String]] = []
        var patternOrigin: [(path: String, pattern: RulePattern)] = []
        var detectorPatterns: [Range<Int>] = []
        var detectorRoleMask: [UInt8] = []
        var expressionsByField: [[VectorscanDatabase.Expression]] = Array(repeating: [], count: DetectorField.allCases.count)
        var runsByField: [[RunPatternEntry]] = Array(repeating: [], count: DetectorField.allCases.count)

        for definition in definitions {
            guard case .rules(let spec) = definition.kind else { continue }
            let detectorIndex = rules.count
            rules.append(RuleDetectorInfo(
                name: definition.name, version: definition.version, mode: definition.mode,
                severity: definition.severity, scoring: spec.scoring, threshold: spec.threshold,
                patternCount: spec.patterns.count, sourcePath: definition.sourcePath, fileHash: definition.fileHash))
            let roleMask = Role.allCases.reduce(UInt8(0)) { mask, role in
                spec.accepts(role) ? mask | (1 << role.rawValue) : mask
            }
            detectorRoleMask.append(roleMask)
            let start = patternDetector.count
            for pattern in spec.patterns {
                let id = UInt32(patternDetector.count)
                patternDetector.append(detectorIndex)
                patternWeight.append(pattern.weight)
                patternLabels.append(pattern.labels)
                patternOrigin.append((definition.sourcePath, pattern))
                if !pattern.isLiteral, let run = ByteRunPattern.recognise(
                    pattern.expression, caseSensitive: pattern.caseSensitive, utf8: pattern.utf8) {
                    for field in pattern.fields {
                        runsByField[field.index].append(RunPatternEntry(id: Int(id), pattern: run))
                    }
                    continue
                }
                let flags = Self.flags(caseSensitive: pattern.caseSensitive, utf8: pattern.utf8)
                for field in pattern.fields {
                    expressionsByField[field.index].append(.init(expression: pattern.expression, flags: flags, id: id))
                }
            }
            detectorPatterns.append(start..<patternDetector.count)
        }

        /// Whether pattern `id` belongs to a detector that reads `role`.
        let readsRole = { (id: Int, role: Role) in detectorRoleMask[patternDetector[id]] & (UInt8(1) << role.rawValue) != 0 }
        var diagnostics: [Diagnostic] = []
        var reported = Set<UInt32>()
        var databaseBySet: [[UInt32]: VectorscanDatabase?] = [:]
        var databases: [[VectorscanDatabase?]] = []
        for fieldExpressions in expressionsByField {
            var byRole: [VectorscanDatabase?] = []
            for role in Role.allCases {
                let expressions = fieldExpressions.filter { readsRole(Int($0.id), role) }
                let key = expressions.map(\.id)
                if let known = databaseBySet[key] {
                    byRole.append(known)
                    continue
                }
                let database = try Self.compile(expressions, origins: patternOrigin, diagnostics: &diagnostics, reported: &reported)
                databaseBySet[key] = database
                byRole.append(database)
            }
            databases.append(byRole)
        }
        guard diagnostics.isEmpty else { throw .invalid(diagnostics) }
        let runPatterns = runsByField.map { runs in
            Role.allCases.map { role in runs.filter { readsRole($0.id, role) } }
        }

        self.rules = rules
        self.patternDetector = patternDetector
        self.patternWeight = patternWeight
        self.patternLabels = patternLabels
        self.detectorPatterns = detectorPatterns
        self.databases = databases
        self.distinctDatabases = databaseBySet.values.compactMap { $0 }
        self.runPatterns = runPatterns
    }

    /// Compiles one pattern set; nil when it is empty. A multi-compile names
    /// only the first bad expression, so that one is reported, dropped, and
    /// the rest retried: every bad pattern is reported in one go.
    private static func compile(
        _ input: [VectorscanDatabase.Expression], origins: [(path: String, pattern: RulePattern)],
        diagnostics: inout [Diagnostic], reported: inout Set<UInt32>
    ) throws(DetectorError) -> VectorscanDatabase? {
        var expressions = input
        while !expressions.isEmpty {
            switch VectorscanDatabase.compile(expressions) {
            case .success(let compiled):
                return compiled
            case .failure(.expression(let index, let message)):
                let id = expressions[index].id
                if reported.insert(id).inserted {
                    let origin = origins[Int(id)]
                    let what = origin.pattern.isLiteral ? "literal" : "regex"
                    diagnostics.append(Diagnostic(
                        path: origin.path, line: origin.pattern.line, column: origin.pattern.column,
                        message: "pattern '\(origin.pattern.id)': \(what) does not compile: \(message)"))
                }
                expressions.remove(at: index)
            case .failure(.database(let message)):
                throw .compile(message: message)
            }
        }
        return nil
    }

    /// Total patterns compiled (a pattern reading two fields counts once).
    public var patternCount: Int { patternDetector.count }

    /// The `HS_FLAG_*` bits of a pattern. Always SINGLEMATCH: a detector only
    /// needs to know that, and where first, a pattern matched. Never
    /// ALLOWEMPTY: an empty match would fire on every event.
    static func flags(caseSensitive: Bool, utf8: Bool) -> UInt32 {
        var flags = VectorscanDatabase.singleMatchFlag
        if !caseSensitive { flags |= VectorscanDatabase.caselessFlag }
        if utf8 { flags |= VectorscanDatabase.unicodeFlags }
        return flags
    }
}
