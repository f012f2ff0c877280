import XCTest
@testable import CofferStore

/// Every kind of tampering with the audit records is found by the verifier, at the first bad record.
final class AuditTamperingTests: AuditTestCase {
    func testAnUntouchedChainVerifiesFromTheFilesAndInProcess() throws {
        let vault = try populatedTrail()
        let verification = try verifyFiles()
        assertIntact(verification, records: 8)
        XCTAssertEqual(verification.firstSeq, 1)
        XCTAssertEqual(verification.lastSeq, 8)
        XCTAssertEqual(verification.headSeq, 8)
        assertIntact(try vault.verifyAudit(), records: 8)
    }

    func testChangingOneByteOfARecordIsDetected() throws {
        _ = try populatedTrail()
        let changes = [
            "UPDATE audit SET action = 'SEU' WHERE seq = 3",
            "UPDATE audit SET result = 'ok' WHERE seq = 6",
            "UPDATE audit SET time = time + 1 WHERE seq = 4",
            // A byte is changed to 0x00, or to 0x01 if it is 0x00 already (1 run in 256 it is:
            // writing 0x00 then changed nothing and the test failed).
            "UPDATE audit SET detail = CAST(substr(detail, 1, 20) || \(otherByte("detail", at: 21)) || substr(detail, 22) AS BLOB) WHERE seq = 2",
            "UPDATE audit SET mac = CAST(\(otherByte("mac", at: 1)) || substr(mac, 2) AS BLOB) WHERE seq = 5",
            "UPDATE audit SET tenant_id = NULL WHERE seq = 7",
        ]
        let raw = try rawDatabase("vault.db")
        let original = try raw.rows("SELECT \(AuditRecord.columns) FROM audit ORDER BY seq")
        XCTAssertEqual(original.count, 8)
        for change in changes {
            try raw.execute(change)
            let seq = Int64(change.split(separator: " ").last!)!
            assertBroken(try verifyFiles(), at: seq)
            // Put the original row back and check the control: intact again.
            let row = original[Int(seq) - 1]
            try raw.run("DELETE FROM audit WHERE seq = ?", seq)
            try raw.run("INSERT INTO audit (\(AuditRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: row.values)
            assertIntact(try verifyFiles(), records: 8)
        }
    }

    /// SQL for one byte that differs from byte `position` (1-based) of the blob column.
    private func otherByte(_ column: String, at position: Int) -> String {
        "(CASE WHEN substr(\(column), \(position), 1) = x'00' THEN x'01' ELSE x'00' END)"
    }

    func testDeletingARecordIsDetected() throws {
        _ = try populatedTrail()
        try tamper("DELETE FROM audit WHERE seq = 4")
        let verification = try verifyFiles()
        assertBroken(verification, at: 4)
        XCTAssertEqual(verification.problem?.reason.contains("missing"), true)
    }

    func testSwappingTwoRecordsIsDetected() throws {
        _ = try populatedTrail()
        try tamper("""
            UPDATE audit SET seq = -seq WHERE seq IN (3, 5);
            UPDATE audit SET seq = 5 WHERE seq = -3;
            UPDATE audit SET seq = 3 WHERE seq = -5;
            """)
        assertBroken(try verifyFiles(), at: 3)
    }

    func testDroppingTheLastRecordsIsDetected() throws {
        _ = try populatedTrail()
        try tamper("DELETE FROM audit WHERE seq >= 7")
        let verification = try verifyFiles()
        assertBroken(verification, at: 7)
        XCTAssertEqual(verification.headSeq, 8)
        XCTAssertEqual(verification.records, 6)
    }

    func testDroppingEveryRecordIsDetected() throws {
        _ = try populatedTrail()
        try tamper("DELETE FROM audit")
        assertBroken(try verifyFiles(), at: 1)
    }

    func testDroppingTheFirstRecordsIsDetected() throws {
        _ = try populatedTrail()
        try tamper("DELETE FROM audit WHERE seq <= 2")
        assertBroken(try verifyFiles(), at: 1)
    }

    func testAForgedRecordAppendedWithoutTheKeyIsDetected() throws {
        _ = try populatedTrail()
        try tamper("INSERT INTO audit (seq, time, actor, action, result, mac) VALUES (9, 0, 'tenant', 'GET', 'ok', zeroblob(32))")
        assertBroken(try verifyFiles(), at: 9)
    }

    func testAChainAheadOfTheKeyringHeadStillVerifiesAndTheHeadIsRepairedOnOpen() throws {
        do { _ = try populatedTrail() }
        // A crash between the vault commit and the keyring's head update: the head lags by one.
        let mac7 = try rawDatabase("vault.db").row("SELECT mac FROM audit WHERE seq = 7")!.blob(0)!
        try rawDatabase("keyring.db").run("UPDATE audit_head SET seq = 7, mac = ?", mac7)
        assertIntact(try verifyFiles(), records: 8)
        _ = try openVault()
        XCTAssertEqual(try verifyFiles().headSeq, 8)
    }

    func testAHeadThatNamesADifferentRecordIsDetected() throws {
        _ = try populatedTrail()
        try rawDatabase("keyring.db").run("UPDATE audit_head SET mac = zeroblob(32)")
        assertBroken(try verifyFiles(), at: 8)
    }

    func testRecordsAppendedAfterATruncationKeepTheGapVisible() throws {
        do { _ = try populatedTrail() }
        try tamper("DELETE FROM audit WHERE seq = 8")
        let vault = try openVault()
        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "POLICY GET"))
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT max(seq) FROM audit")?.int64(0), 9, "appended after the keyring's head")
        assertBroken(try verifyFiles(), at: 8)
    }
}
