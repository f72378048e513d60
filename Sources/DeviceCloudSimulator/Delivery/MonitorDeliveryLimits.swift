/// Bounds on what the simulator keeps for each monitor, so that memory stays bounded whatever
/// a client or a customer server does.
public struct MonitorDeliveryLimits: Sendable, Hashable {
    /// The most blocks a monitor keeps, ready to send or awaiting acknowledgement (and, while its
    /// client is away, for replay). Beyond it the oldest blocks are dropped and counted in
    /// ``MonitorDeliveryStatistics/eventsDropped``.
    public var maximumStoredBlocks: Int
    /// The most payload bytes a monitor keeps in those blocks; beyond it the oldest are dropped too.
    public var maximumStoredBytes: Int
    /// The most blocks a TCP monitor with explicit acknowledgement has sent and not yet had
    /// acknowledged; sending pauses there until acknowledgements arrive.
    public var maximumInFlightBlocks: Int
    /// The most blocks written to a push connection in one write.
    public var maximumBlocksPerWrite: Int
    /// The largest `monBatchSize` honoured: a PublishMessage counts its events in 16 bits.
    public static let maximumBatchSize = Int(UInt16.max)

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maximumStoredBlocks: blocks kept per monitor (at least 1).
    ///   - maximumInFlightBlocks: unacknowledged blocks per connection (at least 1).
    ///   - maximumBlocksPerWrite: blocks per socket write (at least 1).
    ///   - maximumStoredBytes: payload bytes kept per monitor (at least 1); 64 MiB by default.
    public init(
        maximumStoredBlocks: Int = 1_000,
        maximumInFlightBlocks: Int = 256,
        maximumBlocksPerWrite: Int = 32,
        maximumStoredBytes: Int = 64 << 20
    ) {
        self.maximumStoredBlocks = max(1, maximumStoredBlocks)
        self.maximumStoredBytes = max(1, maximumStoredBytes)
        self.maximumInFlightBlocks = max(1, maximumInFlightBlocks)
        self.maximumBlocksPerWrite = max(1, maximumBlocksPerWrite)
    }

    /// 1,000 stored blocks of at most 64 MiB in all, 256 in flight, 32 per write.
    public static let `default` = MonitorDeliveryLimits()
}
