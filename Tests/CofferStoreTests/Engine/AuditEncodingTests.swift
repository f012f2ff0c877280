import XCTest
@testable import CofferStore

final class AuditEncodingTests: XCTestCase {
    func testADetailRoundTripsAndMalformedBytesAreRefused() {
        let details = [
            AuditDetail(subject: "Jöhn Dœ", fields: ["phone", "address.city"], actorSubject: nil),
            AuditDetail(subject: nil, fields: [], actorSubject: "alice"),
            AuditDetail(subject: "", fields: [""], actorSubject: ""),
        ]
        for detail in details {
            let bytes = detail.encoded()
            XCTAssertEqual(AuditDetail.decode(bytes), detail)
            XCTAssertNil(AuditDetail.decode(Array(bytes.dropLast())), "truncated")
            XCTAssertNil(AuditDetail.decode(bytes + [0]), "trailing bytes")
        }
        XCTAssertNil(AuditDetail.decode([]))
    }

    func testTheMACMessageCoversEveryColumnAndTellsAbsentFromEmpty() {
        let record = AuditRecord(seq: 3, time: 1_800_000_000, tenantID: 7, tenant: "acme", actor: "tenant", actorHash: [1, 2],
                                 action: "SET", result: "ok", detail: [9, 9, 9])
        let previous = [UInt8](repeating: 5, count: 32)
        let message = record.macMessage(previous: previous)
        var variants: [AuditRecord] = []
        var changed = record; changed.seq = 4; variants.append(changed)
        changed = record; changed.time += 1; variants.append(changed)
        changed = record; changed.tenantID = nil; variants.append(changed)
        changed = record; changed.tenant = nil; variants.append(changed)
        changed = record; changed.tenant = ""; variants.append(changed)
        changed = record; changed.actor = "subject"; variants.append(changed)
        changed = record; changed.actorHash = nil; variants.append(changed)
        changed = record; changed.action = "GET"; variants.append(changed)
        changed = record; changed.result = "INVALID"; variants.append(changed)
        changed = record; changed.detail = []; variants.append(changed)
        changed = record; changed.anchorSeq = 1; variants.append(changed)
        changed = record; changed.anchorMAC = []; variants.append(changed)
        for variant in variants { XCTAssertNotEqual(variant.macMessage(previous: previous), message) }
        XCTAssertNotEqual(record.macMessage(previous: [UInt8](repeating: 6, count: 32)), message, "the predecessor's MAC is covered")
        XCTAssertEqual(record.macMessage(previous: previous), message, "control: deterministic")
    }
}
