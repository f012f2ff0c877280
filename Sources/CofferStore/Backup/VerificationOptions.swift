/// How thoroughly `VaultVerifier` decrypts, and how many problems it lists.
public struct VerificationOptions: Sendable {
    /// Subjects decrypted end to end per tenant, chosen at random (0: headers only).
    public var sampleSize: Int
    /// Problems listed in the report; the rest are only counted.
    public var maximumProblemsListed: Int

    /// Negative sample sizes count as 0; at least one problem is always listed.
    public init(sampleSize: Int = 100, maximumProblemsListed: Int = 20) {
        self.sampleSize = max(0, sampleSize)
        self.maximumProblemsListed = max(1, maximumProblemsListed)
    }
}
