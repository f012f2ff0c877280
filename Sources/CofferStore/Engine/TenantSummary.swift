/// A line of the tenant list: the name and how many subjects it holds.
public struct TenantSummary: Sendable, Equatable {
    public let name: String
    public let subjects: Int
}
