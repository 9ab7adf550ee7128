import XCTest
@testable import GuardlineProtocol

final class GuardlineProtocolSmokeTests: XCTestCase {
    func test_moduleLinks() {}
}
