/// One message of the TCP push protocol.
public enum PushMessage: Sendable, Hashable {
    /// Client → service: credentials and monitor id.
    case connectRequest(ConnectRequest)
    /// Service → client: the handshake's answer.
    case connectResponse(ConnectResponse)
    /// Service → client: a block of events.
    case publishMessage(PublishMessage)
    /// Client → service: acknowledgement of a block.
    case publishMessageReceived(PublishMessageReceived)

    /// The wire value of each message type.
    public enum MessageType: UInt16, Sendable, Hashable {
        /// ConnectRequest, 0x0001.
        case connectRequest = 0x0001
        /// ConnectResponse, 0x0002.
        case connectResponse = 0x0002
        /// PublishMessage, 0x0003.
        case publishMessage = 0x0003
        /// PublishMessageReceived, 0x0004.
        case publishMessageReceived = 0x0004
    }

    /// The type of this message.
    public var messageType: MessageType {
        switch self {
        case .connectRequest: .connectRequest
        case .connectResponse: .connectResponse
        case .publishMessage: .publishMessage
        case .publishMessageReceived: .publishMessageReceived
        }
    }
}
