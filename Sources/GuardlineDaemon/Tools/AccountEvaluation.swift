import Foundation
import GuardlineStore
import Logging

/// Account-level evaluation: the whole pipeline (detectors, behavioural
/// detectors, policy) replayed offline into a scratch database, then its
/// flags compared with ground truth (`account_id`, `malicious`).
public struct AccountEvaluation: Sendable {
    public var maliciousAccounts = 0
    public var maliciousFlagged = 0
    public var benignAccounts = 0
    public var benignFlagged: [String] = []
    /// For each malicious account flagged: how many of its events the daemon had seen when it flagged.
    public var eventsBeforeFlag: [Int] = []

    public var medianEventsBeforeFlag: Int? {
        guard !eventsBeforeFlag.isEmpty else { return nil }
        return eventsBeforeFlag.sorted()[eventsBeforeFlag.count / 2]
    }

    /// Ground truth: CSV with a header (`account_id,malicious`) or NDJSON objects
    /// with those keys; `malicious` is true/false/1/0.
    public static func loadTruth(_ path: String) throws -> [String: Bool] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var truth: [String: Bool] = [:]
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            if line.hasPrefix("{") {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                      let id = object["account_id"] as? String else { continue }
                truth[id] = (object["malicious"] as? Bool) ?? ((object["malicious"] as? Int) == 1)
            } else {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 2, fields[0] != "account_id" else { continue }
                truth[fields[0]] = ["true", "1", "yes"].contains(fields[1].lowercased())
            }
        }
        return truth
    }

    public static func run(files: [String], configPath: String?, truthPath: String) throws -> AccountEvaluation {
        let truth = try loadTruth(truthPath)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var logger = Logger(label: "guardline.eval")
        logger.logLevel = .error
        let replay = try ReplayRunner.run(files: files, configPath: configPath,
                                          database: scratch.appendingPathComponent("eval.db").path, logger: logger)
        let flagged = try Store.openReadOnly(path: scratch.appendingPathComponent("eval.db").path).loadFlaggedAccounts()
        var result = AccountEvaluation()
        let flaggedByID = Dictionary(flagged.map { ($0.accountID, $0) }, uniquingKeysWith: { first, _ in first })
        for (account, malicious) in truth.sorted(by: { $0.key < $1.key }) {
            let flag = flaggedByID[account]
            if malicious {
                result.maliciousAccounts += 1
                if let flag {
                    result.maliciousFlagged += 1
                    // Events seen when it was first flagged (the row's own count moves with re-flags).
                    if let count = replay.firstFlags[account] ?? flag.eventCount { result.eventsBeforeFlag.append(count) }
                }
            } else {
                result.benignAccounts += 1
                if flag != nil { result.benignFlagged.append(account) }
            }
        }
        return result
    }
}
