import ArgumentParser
import Foundation
import GuardlineDaemon

extension Eval {
    func runLeaveOneSourceOut() throws {
        var options = LeaveOneSourceOut.Options()
        options.training = training.apply(to: options.training)
        options.channels = Set(channel)
        options.families = Set(family)
        if !falsePositiveRates.isEmpty { options.falsePositiveRates = falsePositiveRates }
        options.bootstrapReplicates = bootstrap
        options.bootstrapSeed = bootstrapSeed
        let result: LeaveOneSourceOut
        do {
            result = try LeaveOneSourceOut.run(trainingFiles: files, poolFiles: pool, options: options)
        } catch {
            FileHandle.standardError.write(Data("guardline: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if format == .json {
            let object: [String: Any] = [
                "pool_events": result.poolEvents, "skipped": result.skipped, "filtered_out": result.filteredOut,
                "sources": result.sources.map { source -> [String: Any] in
                    ["source": source.name, "training_events": source.trainingEvents, "training_attacks": source.trainingAttacks,
                     "test_attacks": source.testAttacks, "test_benign": source.testBenign,
                     "benign_fpr_at_cut": source.benignRateAtCut]
                },
                "recall_at_fpr": result.operatingPoints.map(EvalRendering.json),
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            return
        }
        print("leave-one-source-out: \(result.sources.count) sources held out in turn, thresholds cut on \(result.poolEvents) pool events"
              + (result.filteredOut > 0 ? " (\(result.filteredOut) events outside --channel/--family left out)" : "")
              + (result.skipped > 0 ? ", \(result.skipped) lines skipped" : ""))
        print("source".padding(toLength: 28, withPad: " ", startingAt: 0) + " trained on  attacks  tested: attacks  benign")
        for source in result.sources {
            print(source.name.padding(toLength: 28, withPad: " ", startingAt: 0)
                  + String(format: " %10d %8d %16d %7d", source.trainingEvents, source.trainingAttacks, source.testAttacks, source.testBenign))
        }
        for (index, point) in result.operatingPoints.enumerated() {
            print("")
            print(EvalRendering.table(point, benignRates: result.sources.map { $0.benignRateAtCut[index] }), terminator: "")
        }
    }
}
