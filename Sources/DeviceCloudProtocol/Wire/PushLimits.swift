/// Caps that keep memory bounded whatever a peer sends.
///
/// Exceeding any of them is a ``DeviceCloudProtocolError``, never an allocation of the declared size.
public struct PushLimits: Sendable, Hashable {
    /// The largest payload length a frame header may declare. Default 16 MiB.
    public var maximumFrameLength: Int
    /// The largest size a zlib payload may inflate to. Default 64 MiB.
    public var maximumDecompressedSize: Int
    /// The largest number of events one document may hold. Default 100,000.
    public var maximumEventsPerBatch: Int

    /// Creates limits.
    ///
    /// - Throws: ``ConfigurationError`` when a value is not positive.
    public init(
        maximumFrameLength: Int = 16 << 20,
        maximumDecompressedSize: Int = 64 << 20,
        maximumEventsPerBatch: Int = 100_000
    ) throws(ConfigurationError) {
        guard maximumFrameLength > 0, maximumDecompressedSize > 0, maximumEventsPerBatch > 0 else {
            throw ConfigurationError("push limits must be positive")
        }
        self.init(
            validatedFrameLength: maximumFrameLength,
            decompressedSize: maximumDecompressedSize,
            eventsPerBatch: maximumEventsPerBatch
        )
    }

    private init(validatedFrameLength maximumFrameLength: Int, decompressedSize maximumDecompressedSize: Int, eventsPerBatch maximumEventsPerBatch: Int) {
        self.maximumFrameLength = maximumFrameLength
        self.maximumDecompressedSize = maximumDecompressedSize
        self.maximumEventsPerBatch = maximumEventsPerBatch
    }

    /// The defaults: 16 MiB frames, 64 MiB inflated payloads, 100,000 events a batch.
    public static let `default` = PushLimits(validatedFrameLength: 16 << 20, decompressedSize: 64 << 20, eventsPerBatch: 100_000)
}
