@testable import CofferStore

extension Vault {
    /// Every subject of the tenant, in the listing's order, following its cursors page by page.
    func allSubjects(tenant: TenantRef) throws -> [String] {
        var subjects: [String] = []
        var cursor: String?
        repeat {
            let page = try listSubjects(tenant: tenant, cursor: cursor)
            subjects += page.subjects
            cursor = page.next
        } while cursor != nil
        return subjects
    }
}
