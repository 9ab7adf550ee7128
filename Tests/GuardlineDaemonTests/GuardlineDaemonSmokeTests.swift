import XCTest
@testable import GuardlineDaemon

final class GuardlineDaemonSmokeTests: XCTestCase {
    func test_moduleLinks() {}
}
