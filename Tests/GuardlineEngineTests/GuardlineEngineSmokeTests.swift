import XCTest
@testable import GuardlineEngine

final class GuardlineEngineSmokeTests: XCTestCase {
    func test_moduleLinks() {}
}
