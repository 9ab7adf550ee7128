import GuardlineProtocol
import Yams

extension DetectorFileParser {
    static let learnedKeys = ["model", "threshold", "labels", "roles"]

    /// `kind: learned`: `model` (path relative to the detector file, required),
    /// `threshold` (optional, else the model's recommended one), `labels`, `roles`.
    /// The model file itself is loaded when a generation is built, so a
    /// replaced model is picked up by the same reload as an edited YAML.
    mutating func parseLearned(_ entries: [String: (key: Node, value: Node)], root: Node) -> LearnedSpec? {
        // Every key is checked before giving up, so one attempt reports every problem.
        let model = requiredValue(entries, "model", root: root).flatMap { reader.nonEmptyString($0, "model") }
        var threshold: Double?
        var thresholdValid = true
        if let node = entries["threshold"]?.value {
            threshold = reader.number(node, "threshold", in: 0...1, excludingLower: true)
            thresholdValid = threshold != nil
        }
        let labels = labelList(entries["labels"]?.value)
        guard let model, thresholdValid, let labels else { return nil }
        var roles: [Role] = []
        if let node = entries["roles"]?.value {
            guard let names = reader.strings(node, "roles") else { return nil }
            for (name, node) in names {
                guard let role = Role(name: name) else {
                    reader.report("roles: '\(name)' is not one of user, assistant, tool, system", at: node)
                    return nil
                }
                if !roles.contains(role) { roles.append(role) }
            }
        }
        let resolved = model.hasPrefix("/") ? model
            : (reader.path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/" + model)
        return LearnedSpec(modelPath: resolved, threshold: threshold, labels: labels, roles: roles)
    }
}
