/// The client's acknowledgement of a ``PublishMessage`` block.
public struct PublishMessageReceived: Sendable, Hashable {
    // A plain record of its own fields; alike in shape to other records, not in meaning.
    /// The acknowledged block.
    public var blockID: UInt16
    /// 200 means received and processed.
    public var status: UInt16

    /// Creates an acknowledgement; the status defaults to 200.
    public init(blockID: UInt16, status: UInt16 = 200) {
        self.blockID = blockID
        self.status = status
    }
}
