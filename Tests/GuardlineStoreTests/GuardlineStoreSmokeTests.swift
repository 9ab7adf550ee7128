import XCTest
@testable import GuardlineStore

final class GuardlineStoreSmokeTests: XCTestCase {
    func test_moduleLinks() {}
}
