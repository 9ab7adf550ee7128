import XCTest
@testable import GuardlineTransport

final class GuardlineTransportSmokeTests: XCTestCase {
    func test_moduleLinks() {}
}
