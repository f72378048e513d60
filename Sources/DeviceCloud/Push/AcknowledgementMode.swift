/// Whether the client acknowledges each block (the monitor's `monAckOption`).
public enum AcknowledgementMode: String, Sendable, Hashable, CaseIterable {
    /// The consumer acknowledges each batch with ``MonitorBatch/acknowledge()``; unacknowledged
    /// blocks are redelivered after a reconnect when the monitor replays.
    case explicit
    /// The service counts a block as delivered once sent; ``MonitorBatch/acknowledge()`` does nothing.
    case off
}
