/// What the simulator has done with one monitor's events since the monitor was created or last
/// updated (a PUT starts the counts over, as it resets the monitor's state).
public struct MonitorDeliveryStatistics: Sendable, Hashable {
    // A plain record of its own fields; alike in shape to other records, not in meaning.
    /// Events that matched the monitor's topics and were kept for delivery.
    public var eventsAccepted = 0
    /// Events that matched but were not kept or were later discarded: raised while a TCP
    /// monitor without auto-replay has no client, or while an HTTP monitor is `DISABLED`,
    /// unsent when a client without auto-replay leaves, discarded when an HTTP monitor is
    /// disabled, or pushed out by ``MonitorDeliveryLimits/maximumStoredBlocks``.
    public var eventsDropped = 0
    /// Blocks written to a push connection (replays included), or delivered to an HTTP monitor's
    /// URL with a 2xx answer.
    public var blocksSent = 0
    /// Explicit acknowledgements that matched a block awaiting one.
    public var blocksAcknowledged = 0
    /// HTTP delivery attempts that failed (no connection, timeout, or a non-2xx answer).
    public var deliveryFailures = 0
    /// Events waiting in the open batch.
    public var pendingEvents = 0
    /// Closed blocks waiting to be sent (replays included).
    public var readyBlocks = 0
    /// Blocks sent and not yet acknowledged (HTTP: the block being delivered).
    public var inFlightBlocks = 0

    /// Creates empty statistics.
    public init() {}
}
