import XCTest
import CofferCrypto
@testable import CofferStore

final class DataKeyCacheTests: XCTestCase {
    private func keys() throws -> SubjectKeys {
        SubjectKeys(keys: [1: try AESGCM(key: try SymmetricKey.random())])
    }

    func testAFullCacheEvictsTheLeastRecentlyUsedEighth() throws {
        var cache = DataKeyCache(capacity: 16)
        for subject in Int64(1)...16 { cache.put(try keys(), tenant: 7, for: subject) }
        // Subjects 1 and 2 are used again: 3 and 4 are now the least recently used.
        XCTAssertNotNil(cache.get(1, tenant: 7))
        XCTAssertNotNil(cache.get(2, tenant: 7))

        cache.put(try keys(), tenant: 7, for: 17)
        XCTAssertEqual(cache.count, 15, "an eighth of 16 went, one came")
        XCTAssertNil(cache.get(3, tenant: 7))
        XCTAssertNil(cache.get(4, tenant: 7))
        for subject: Int64 in [1, 2, 5, 16, 17] { XCTAssertNotNil(cache.get(subject, tenant: 7), "\(subject)") }
    }

    func testStoringAgainUnderTheSameSubjectEvictsNothing() throws {
        var cache = DataKeyCache(capacity: 2)
        cache.put(try keys(), tenant: 1, for: 1)
        cache.put(try keys(), tenant: 1, for: 2)
        cache.put(try keys(), tenant: 1, for: 2)
        XCTAssertEqual(cache.count, 2)
        XCTAssertNotNil(cache.get(1, tenant: 1))
    }

    func testRemovingATenantDetachesAllItsKeysAndNoOtherTenants() throws {
        var cache = DataKeyCache(capacity: 8)
        cache.put(try keys(), tenant: 1, for: 1)
        cache.put(try keys(), tenant: 1, for: 2)
        cache.put(try keys(), tenant: 2, for: 3)
        XCTAssertEqual(cache.remove(tenant: 1).count, 2)
        XCTAssertEqual(cache.count, 1)
        XCTAssertNil(cache.get(1, tenant: 1))
        XCTAssertNotNil(cache.get(3, tenant: 2))
    }
}
