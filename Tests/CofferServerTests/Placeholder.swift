import XCTest
final class CofferServerTestsPlaceholder: XCTestCase { func testNothing() {} }
