/// Whether the client acknowledges each block (the monitor's `monAckOption`).
public enum AcknowledgementMode: String, Sendable, Hashable, CaseIterable {
    /// The consumer acknowledges each batch with ``MonitorBatch/acknowledge()``; unacknowledged
    /// blocks are redelivered after a reconnect when the monitor replays.
    case explicit
    /// The service counts a block as delivered once sent; ``MonitorBatch/acknowledge()`` does nothing.
    case off
}

extension AcknowledgementMode {
    /// The mode for a monitor's `monAckOption`: ``off`` only for `off`; ``explicit`` for
    /// `explicit`, for a value this library does not know, and when the option is missing.
    ///
    /// Acknowledging a monitor whose acks are off is harmless; not acknowledging one whose acks
    /// are on would lose the replay guarantee, so every doubt resolves to ``explicit``.
    public init(_ option: MonitorAckOption?) {
        self = option == .off ? .off : .explicit
    }
}
