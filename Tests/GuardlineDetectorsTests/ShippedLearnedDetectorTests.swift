import GuardlineDetectors
import GuardlineProtocol
import XCTest

/// The learned detector shipped in config/detectors/: it enforces at
/// severity medium (one signal never flags an account alone), and its model keeps the quality it was shipped with on the
/// hand-written development set (never trained on).
final class ShippedLearnedDetectorTests: XCTestCase {
    private func shippedLearned() throws -> (definition: DetectorDefinition, spec: LearnedSpec) {
        let catalog = try DetectorCatalog.load(directory: ScanSupport.shippedDetectorsDirectory)
        let definition = try XCTUnwrap(catalog.definitions.first { $0.name == "learned-attack" })
        let spec: LearnedSpec?
        switch definition.kind {
        case .learned(let learned): spec = learned
        default: spec = nil
        }
        return (definition, try XCTUnwrap(spec, "learned-attack must be kind: learned"))
    }

    func test_shippedLearnedDetector_isEnforcingMediumWithAWordOnlyModel() throws {
        let (definition, spec) = try shippedLearned()
        XCTAssertEqual(definition.mode, .enforce, "promoted after shadow testing on the development and probe sets")
        XCTAssertEqual(definition.severity, .medium)
        XCTAssertEqual(spec.threshold, 0.8)
        XCTAssertEqual(Set(spec.roles), [.user, .tool])
        let model = try LinearModelFile.load(path: spec.modelPath)
        XCTAssertEqual(model.name, "learned-attack")
        XCTAssertEqual(model.settings.bucketCount, 1 << 14, "64 KiB of weights: cheaper in the daemon than 2^16 at nearly the same quality")
        XCTAssertFalse(model.settings.usesCharacterGrams, "character n-grams cost ~10x more per event")
    }

    /// Scores one development event as the daemon does: text, then each tool call's name and arguments.
    private func score(_ model: LinearModel, _ event: DevelopmentSetTests.DevEvent) -> Double {
        var features: [UInt32] = []
        let mask = model.settings.bucketCount - 1
        for field in [event.text] + event.toolCalls.flatMap({ [$0.name, $0.arguments] }) {
            Array(field.utf8).withUnsafeBufferPointer { buffer in
                HashedFeatures.forEach(in: buffer, settings: model.settings) { hash in
                    features.append(UInt32(HashedFeatures.bucket(hash, mask: mask)) | (hash >> 63 == 0 ? 0 : 1 << 31))
                }
            }
        }
        return model.score(features: features)
    }

    func test_shippedLearnedModel_onTheDevelopmentSet_staysQuietOnBenignAndCatchesLanguageAttacks() throws {
        let (_, spec) = try shippedLearned()
        let model = try LinearModelFile.load(path: spec.modelPath)
        let threshold = try XCTUnwrap(spec.threshold)
        var benign = 0, falsePositives = 0, languageAttacks = 0, caught = 0
        for event in try DevelopmentSetTests.loadDevEvents() {
            // Events of roles the detector does not read are never scored, so they never fire.
            let fired = spec.roles.contains(event.role) && score(model, event) >= threshold
            if !event.isAttack {
                benign += 1
                if fired { falsePositives += 1 }
            } else if ["jailbreak", "prompt_injection", "system_prompt_extraction"].contains(event.category) {
                languageAttacks += 1
                if fired { caught += 1 }
            }
        }
        print("learned-attack on dev-events: \(falsePositives)/\(benign) benign fired, \(caught)/\(languageAttacks) language attacks caught")
        // Measured when shipped: 0 of 318 benign events fired, 107 of 116 language attacks caught.
        XCTAssertGreaterThanOrEqual(benign, 300)
        XCTAssertLessThanOrEqual(Double(falsePositives) / Double(benign), 0.01, "\(falsePositives) of \(benign) benign events fired")
        XCTAssertGreaterThanOrEqual(Double(caught) / Double(languageAttacks), 0.85, "\(caught) of \(languageAttacks) language attacks caught")
    }
}
