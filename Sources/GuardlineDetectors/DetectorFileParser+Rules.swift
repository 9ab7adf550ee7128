import GuardlineProtocol
import Yams

extension DetectorFileParser {
    static let patternKeys = ["id", "regex", "literal", "weight", "labels", "case_sensitive", "utf8", "fields"]
    static let scoringKeys = ["method", "threshold"]

    mutating func parseRules(_ entries: [String: (key: Node, value: Node)], root: Node, detectorName: String) -> RuleSpec? {
        let fields = entries["fields"].map { fieldList($0.value) } ?? [.text]
        var roles: Set<Role>?? = .some(nil)
        if let rolesNode = entries["roles"]?.value {
            roles = roleSet(rolesNode).map { Optional($0) }
        }

        var scoring: ScoringMethod? = .noisyOr
        var threshold: Double? = 0.5
        if let scoringNode = entries["scoring"]?.value,
           let scoringEntries = reader.entries(of: scoringNode, allowed: Self.scoringKeys, context: "scoring") {
            if let method = scoringEntries["method"] {
                scoring = reader.choice(method.value, "scoring.method", as: ScoringMethod.self)
            }
            if let value = scoringEntries["threshold"] {
                threshold = reader.number(value.value, "scoring.threshold", in: 0...1, excludingLower: true)
            }
        }

        guard let patternsNode = requiredValue(entries, "patterns", root: root) else { return nil }
        guard case .sequence(let sequence) = patternsNode, !sequence.isEmpty else {
            reader.report("patterns must be a non-empty list", at: patternsNode)
            return nil
        }
        var patterns: [RulePattern] = []
        var seenIDs: [String: Node] = [:]
        for (index, patternNode) in sequence.enumerated() {
            guard let pattern = parsePattern(patternNode, index: index, detectorName: detectorName, detectorFields: fields ?? [.text]) else {
                continue
            }
            if let earlier = seenIDs[pattern.id], let mark = earlier.mark {
                reader.report("pattern id '\(pattern.id)' is already used at line \(mark.line)", at: patternNode)
                continue
            }
            seenIDs[pattern.id] = patternNode
            patterns.append(pattern)
        }
        guard let fields, let roles, let scoring, let threshold, patterns.count == sequence.count else { return nil }
        return RuleSpec(fields: fields, roles: roles, scoring: scoring, threshold: threshold, patterns: patterns)
    }

    private mutating func parsePattern(_ node: Node, index: Int, detectorName: String, detectorFields: [DetectorField]) -> RulePattern? {
        let errorsBefore = reader.diagnostics.count
        guard let entries = reader.entries(of: node, allowed: Self.patternKeys, context: "pattern \(index)") else { return nil }
        let id = entries["id"].map { reader.nonEmptyString($0.value, "pattern id") } ?? "\(detectorName)#\(index)"
        let label = "pattern '\(id ?? "#\(index)")'"
        let weight = entries["weight"].map { reader.number($0.value, "\(label): weight", in: 0...1, excludingLower: true) } ?? 1
        let labels = labelList(entries["labels"]?.value)
        let caseSensitive = entries["case_sensitive"].map { reader.bool($0.value, "\(label): case_sensitive") } ?? false
        let utf8 = entries["utf8"].map { reader.bool($0.value, "\(label): utf8") } ?? false
        let fields = entries["fields"].map { fieldList($0.value) } ?? detectorFields

        let regex = entries["regex"]
        let literal = entries["literal"]
        var expressionNode: Node?
        var expression: String?
        switch (regex, literal) {
        case (let regex?, nil):
            expressionNode = regex.value
            expression = reader.nonEmptyString(regex.value, "\(label): regex")
        case (nil, let literal?):
            expressionNode = literal.value
            expression = reader.nonEmptyString(literal.value, "\(label): literal").map(RulePattern.escapeLiteral)
        case (_?, _?):
            reader.report("\(label): give either regex or literal, not both", at: node)
        case (nil, nil):
            reader.report("\(label): needs a regex or a literal", at: node)
        }

        guard reader.diagnostics.count == errorsBefore, let id, let weight, let labels, let caseSensitive,
              let utf8, let fields, let expression, let expressionNode else { return nil }
        let flags = RuleEngine.flags(caseSensitive: caseSensitive, utf8: utf8)
        if let problem = VectorscanDatabase.problem(expression: expression, flags: flags) {
            let what = literal != nil ? "literal" : "regex"
            reader.report("\(label): \(what) does not compile: \(problem)", at: expressionNode)
            return nil
        }
        return RulePattern(
            id: id, expression: expression, isLiteral: literal != nil, weight: weight, labels: labels,
            caseSensitive: caseSensitive, utf8: utf8, fields: fields,
            line: expressionNode.mark?.line ?? 1, column: expressionNode.mark?.column ?? 1)
    }

    private mutating func fieldList(_ node: Node) -> [DetectorField]? {
        guard let values = reader.strings(node, "fields") else { return nil }
        var fields: [DetectorField] = []
        for (value, element) in values {
            guard let field = DetectorField(rawValue: value) else {
                let allowed = DetectorField.allCases.map(\.rawValue).joined(separator: ", ")
                reader.report("fields: unknown field '\(value)' (allowed: \(allowed))", at: element)
                return nil
            }
            if !fields.contains(field) { fields.append(field) }
        }
        guard !fields.isEmpty else {
            reader.report("fields must not be empty", at: node)
            return nil
        }
        return fields
    }

    private mutating func roleSet(_ node: Node) -> Set<Role>? {
        guard let values = reader.strings(node, "roles") else { return nil }
        var roles = Set<Role>()
        for (value, element) in values {
            guard let role = Role(name: value) else {
                reader.report("roles: unknown role '\(value)' (allowed: user, assistant, tool, system)", at: element)
                return nil
            }
            roles.insert(role)
        }
        guard !roles.isEmpty else {
            reader.report("roles must not be empty (leave the key out to read every role)", at: node)
            return nil
        }
        return roles
    }
}
