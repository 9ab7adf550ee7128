import XCTest
@testable import GuardlineStore

final class StoreTimestampTests: XCTestCase {
    func test_text_formatsUTCWithMilliseconds() {
        XCTAssertEqual(StoreTimestamp.text(fromEpoch: 0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(StoreTimestamp.text(fromEpoch: baseEpoch + 2082.123), "2026-11-29T08:34:42.123Z")
        XCTAssertEqual(StoreTimestamp.text(fromEpoch: 951_782_400), "2000-02-29T00:00:00.000Z")
        XCTAssertEqual(StoreTimestamp.text(fromEpoch: -0.5), "1969-12-31T23:59:59.500Z")
    }

    func test_epoch_roundTripsFormattedText() throws {
        for epoch in [0, baseEpoch, baseEpoch + 2082.123, 951_782_400, 4_102_444_799.999] {
            let parsed = try XCTUnwrap(StoreTimestamp.epoch(fromText: StoreTimestamp.text(fromEpoch: epoch)))
            XCTAssertEqual(parsed, epoch, accuracy: 0.0005)
        }
        XCTAssertEqual(StoreTimestamp.epoch(fromText: "2026-11-29T08:00:00Z"), baseEpoch)
    }

    func test_epoch_rejectsOtherShapes() {
        for text in ["", "2026-11-29", "2026-11-29 08:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T08:00:00+01:00",
                     "2026-11-29T08:00:00.Z"] {
            XCTAssertNil(StoreTimestamp.epoch(fromText: text), text)
        }
    }
}
