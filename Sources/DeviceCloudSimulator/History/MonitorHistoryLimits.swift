/// How much history the simulator keeps per persistent monitor: the oldest events go first
/// once either bound is passed.
public struct MonitorHistoryLimits: Sendable, Hashable {
    /// The most events kept per monitor.
    public var maximumEvents: Int
    /// The most bytes (of the events' JSON) kept per monitor.
    public var maximumBytes: Int

    /// Creates limits; both are at least 1.
    public init(maximumEvents: Int = 10_000, maximumBytes: Int = 8 * 1024 * 1024) {
        self.maximumEvents = max(1, maximumEvents)
        self.maximumBytes = max(1, maximumBytes)
    }

    /// 10,000 events and 8 MiB per monitor.
    public static let `default` = MonitorHistoryLimits()
}
