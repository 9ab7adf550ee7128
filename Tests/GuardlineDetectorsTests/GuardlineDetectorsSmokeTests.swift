import XCTest
@testable import GuardlineDetectors

final class GuardlineDetectorsSmokeTests: XCTestCase {
    func test_moduleLinks() {}
}
