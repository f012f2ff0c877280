import Foundation
import XCTest
@testable import CofferServer

/// The bookkeeping behind the per-address limits: what counts as one address, and that every
/// table stays bounded and forgets what it no longer needs.
final class AddressAccountingTests: XCTestCase {
    // MARK: ClientAddress

    func testAnIPv4AddressCountsAsItselfAndAnIPv6AddressByItsSlash64() {
        XCTAssertEqual(ClientAddress(Self.ipv4("203.0.113.7"))?.description, "203.0.113.7")
        XCTAssertNotEqual(ClientAddress(Self.ipv4("203.0.113.7")), ClientAddress(Self.ipv4("203.0.113.8")))

        let first = ClientAddress(Self.ipv6("2001:db8:1:2::1")), second = ClientAddress(Self.ipv6("2001:db8:1:2:ffff:eeee:dddd:cccc"))
        XCTAssertEqual(first, second, "one /64 is one client")
        XCTAssertEqual(first?.description, "2001:db8:1:2::/64")
        XCTAssertNotEqual(first, ClientAddress(Self.ipv6("2001:db8:1:3::1")), "the next /64 is another client")
    }

    func testAnIPv4MappedIPv6AddressCountsAsTheIPv4Address() {
        XCTAssertEqual(ClientAddress(Self.ipv6("::ffff:203.0.113.7")), ClientAddress(Self.ipv4("203.0.113.7")))
        XCTAssertEqual(ClientAddress(Self.ipv6("::ffff:203.0.113.7"))?.description, "203.0.113.7")
    }

    // MARK: Connections per address

    func testConnectionsPerAddressRefusesOverItsLimitAndForgetsAnAddressAtZero() {
        let a = ClientAddress.ipv4(1), b = ClientAddress.ipv4(2)
        var counts = ConnectionsPerAddress(limit: 2)
        XCTAssertTrue(counts.acquire(a))
        XCTAssertTrue(counts.acquire(a))
        XCTAssertFalse(counts.acquire(a), "the third connection of one address")
        XCTAssertTrue(counts.acquire(b), "another address is counted apart")
        counts.release(a)
        XCTAssertTrue(counts.acquire(a), "a released connection frees its place")
        for address in [a, a, b] { counts.release(address) }
        XCTAssertEqual(counts.trackedAddresses, 0, "no entry outlives its connections")

        var off = ConnectionsPerAddress(limit: 0)
        for _ in 0..<1000 { XCTAssertTrue(off.acquire(a)) }
        XCTAssertEqual(off.trackedAddresses, 0, "0 turns the limit off and counts nothing")
    }

    // MARK: Failed AUTHs per address

    func testTheFailureLimitCountsTheLastSixtySecondsNotTheCalendarMinute() {
        let limiter = FailedAuthLimiter(limit: 3)
        let address = ClientAddress.ipv4(7)
        let start: Int64 = 1_899_999_990   // 30 s before a minute boundary
        for offset: Int64 in [0, 10, 20] {
            XCTAssertTrue(limiter.admits(address, at: start + offset))
            limiter.recordFailure(address, at: start + offset)
        }
        XCTAssertFalse(limiter.admits(address, at: start + 20))
        XCTAssertFalse(limiter.admits(address, at: start + 59), "the next minute began, the first failure is 59 s old")
        XCTAssertTrue(limiter.admits(address, at: start + 60), "the first failure left the window")
        XCTAssertTrue(limiter.admits(.ipv4(8), at: start + 20), "other addresses are not limited")
    }

    func testTheFailureLimiterForgetsQuietAddressesAndTracksAtMostItsCapacity() {
        let limiter = FailedAuthLimiter(limit: 2, capacity: 100)
        let start: Int64 = 1_900_000_000
        for index in 0..<150 {
            limiter.recordFailure(.ipv4(UInt32(index)), at: start)
            limiter.recordFailure(.ipv4(UInt32(index)), at: start)
        }
        XCTAssertEqual(limiter.trackedAddresses, 100)
        XCTAssertFalse(limiter.admits(.ipv4(99), at: start))
        XCTAssertTrue(limiter.admits(.ipv4(120), at: start), "beyond the capacity an address is not limited (fail open)")
        limiter.forgetQuietAddresses(at: start + 59)
        XCTAssertEqual(limiter.trackedAddresses, 100, "within the minute every window is kept")
        limiter.forgetQuietAddresses(at: start + 60)
        XCTAssertEqual(limiter.trackedAddresses, 0, "windows that emptied are dropped")

        let off = FailedAuthLimiter(limit: 0)
        for _ in 0..<100 { off.recordFailure(.ipv4(1), at: start) }
        XCTAssertTrue(off.admits(.ipv4(1), at: start), "0 turns the limit off")
        XCTAssertEqual(off.trackedAddresses, 0)
    }

    func testTheTallyHandsOverOneCountPerSourceWhenItsMinuteIsOver() {
        let tally = FailedAuthTally(capacity: 2)
        let minute: Int64 = 1_899_999_960
        XCTAssertNil(tally.add(.ipv4(0x7f00_0002), refused: false, at: minute + 1))
        XCTAssertNil(tally.add(.ipv4(0x7f00_0002), refused: true, at: minute + 59))
        XCTAssertNil(tally.add(.ipv4(0x7f00_0003), refused: false, at: minute + 5))
        XCTAssertNil(tally.add(.ipv4(0x7f00_0004), refused: false, at: minute + 5), "over the capacity: counted with the others")
        XCTAssertNil(tally.add(nil, refused: false, at: minute + 6), "not an IP address: counted with the others")
        XCTAssertNil(tally.takeFinished(at: minute + 59), "the minute is not over")

        let finished = tally.add(.ipv4(0x7f00_0002), refused: false, at: minute + 60)
        XCTAssertEqual(finished?.start, minute)
        let counts = finished?.counts.map { "\($0.source ?? "others") \($0.failures) \($0.refused)" }.sorted()
        XCTAssertEqual(counts, ["127.0.0.2 2 1", "127.0.0.3 1 0", "others 2 0"])
        XCTAssertEqual(tally.takeFinished(at: minute + 120)?.counts, [.init(source: "127.0.0.2", failures: 1)])
        XCTAssertNil(tally.takeAll(), "nothing left")
    }

    // MARK: Pending handshakes

    func testTheOldestUnfinishedHandshakeIsTakenOnlyAfterItsGrace() {
        var pending = PendingHandshakes()
        for id in 1...3 { pending.add(.init(id: id, descriptor: Int32(id), acceptedNanoseconds: UInt64(id) * 1000)) }
        XCTAssertNil(pending.takeOldest(acceptedBy: 999), "none is old enough")
        pending.remove(id: 1)
        XCTAssertEqual(pending.takeOldest(acceptedBy: 5000)?.id, 2, "a finished handshake is skipped")
        XCTAssertFalse(pending.remove(id: 2), "a taken handshake is no longer pending")
        XCTAssertEqual(pending.count, 1)
        for id in 4...10_000 {
            pending.add(.init(id: id, descriptor: 0, acceptedNanoseconds: 0))
            pending.remove(id: id)
        }
        XCTAssertEqual(pending.takeOldest(acceptedBy: .max)?.id, 3)
        XCTAssertNil(pending.takeOldest(acceptedBy: .max))
    }

    // MARK: Helpers

    private static func ipv4(_ text: String) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                address.pointee.sin_family = sa_family_t(AF_INET)
                _ = inet_pton(AF_INET, text, &address.pointee.sin_addr)
            }
        }
        return storage
    }

    private static func ipv6(_ text: String) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                _ = inet_pton(AF_INET6, text, &address.pointee.sin6_addr)
            }
        }
        return storage
    }
}
