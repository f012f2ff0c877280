/// A latency histogram with logarithmic buckets in the style of HdrHistogram: values below
/// 256 ns are counted exactly, larger ones in 128 buckets per power of two, so any percentile
/// it reports is within 1/128 (0.8 %) above the true value. Fixed size (7,424 counters) whatever
/// the number of samples, and two histograms merge by adding counters.
struct NetworkBenchmarkHistogram: Sendable, Equatable {
    private static let subBucketBits = 7
    private static let subBuckets = 1 << subBucketBits
    /// Exact buckets for 0..<256, then 128 per power of two up to 2^64.
    static let bucketCount = 2 * subBuckets + (64 - subBucketBits - 2 + 1) * subBuckets

    private var counts = [UInt64](repeating: 0, count: bucketCount)
    /// Number of recorded values.
    private(set) var total: UInt64 = 0
    /// The largest recorded value; percentiles never exceed it.
    private(set) var maximum: UInt64 = 0

    /// Adds one value (in nanoseconds).
    mutating func record(_ value: UInt64) {
        counts[Self.bucket(of: value)] += 1
        total += 1
        if value > maximum { maximum = value }
    }

    /// Adds every value of `other`.
    mutating func merge(_ other: NetworkBenchmarkHistogram) {
        for index in counts.indices where other.counts[index] != 0 { counts[index] += other.counts[index] }
        total += other.total
        maximum = max(maximum, other.maximum)
    }

    /// The smallest bucket bound that at least `fraction` (0...1) of the values do not exceed;
    /// 0 when nothing was recorded.
    func percentile(_ fraction: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = max(1, UInt64((min(max(fraction, 0), 1) * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count != 0 {
            seen += count
            if seen >= rank { return min(Self.upperBound(ofBucket: index), maximum) }
        }
        return maximum
    }

    /// The bucket that counts `value`.
    static func bucket(of value: UInt64) -> Int {
        if value < UInt64(2 * subBuckets) { return Int(value) }
        let highestBit = 63 - value.leadingZeroBitCount
        let shift = highestBit - subBucketBits
        let mantissa = Int(value >> UInt64(shift))   // subBuckets ..< 2 * subBuckets
        return 2 * subBuckets + (shift - 1) * subBuckets + (mantissa - subBuckets)
    }

    /// The largest value that falls into bucket `index`.
    static func upperBound(ofBucket index: Int) -> UInt64 {
        if index < 2 * subBuckets { return UInt64(index) }
        let shift = (index - 2 * subBuckets) / subBuckets + 1
        let mantissa = UInt64((index - 2 * subBuckets) % subBuckets + subBuckets)
        // For the very last bucket the shift drops the carried bit and the result wraps to
        // UInt64.max, which is that bucket's true bound.
        return ((mantissa + 1) << UInt64(shift)) &- 1
    }
}
