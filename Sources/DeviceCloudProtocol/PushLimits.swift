/// Caps that keep memory bounded whatever a peer sends.
///
/// Exceeding any of them is a ``PushProtocolError``, never an allocation of the declared size.
public struct PushLimits: Sendable, Hashable {
    /// The largest payload length a frame header may declare. Default 16 MiB.
    public var maximumFrameLength: Int
    /// The largest size a zlib payload may inflate to. Default 64 MiB.
    public var maximumDecompressedSize: Int
    /// The largest number of events one document may hold. Default 100,000.
    public var maximumEventsPerBatch: Int

    /// Creates limits; every value must be positive.
    public init(
        maximumFrameLength: Int = 16 << 20,
        maximumDecompressedSize: Int = 64 << 20,
        maximumEventsPerBatch: Int = 100_000
    ) {
        precondition(maximumFrameLength > 0 && maximumDecompressedSize > 0 && maximumEventsPerBatch > 0)
        self.maximumFrameLength = maximumFrameLength
        self.maximumDecompressedSize = maximumDecompressedSize
        self.maximumEventsPerBatch = maximumEventsPerBatch
    }

    /// The defaults: 16 MiB frames, 64 MiB inflated payloads, 100,000 events a batch.
    public static let `default` = PushLimits()
}
