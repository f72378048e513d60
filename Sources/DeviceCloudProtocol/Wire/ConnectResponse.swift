/// The service's answer to a ``ConnectRequest``.
public struct ConnectResponse: Sendable, Hashable {
    // A plain record of its own fields; alike in shape to other records, not in meaning.
    /// 200 when the connection was accepted; 403 for bad credentials, 400 for a bad request.
    public var status: UInt16
    /// The protocol version the service speaks.
    public var version: UInt16

    /// Creates a connect response.
    public init(status: UInt16, version: UInt16 = 1) {
        self.status = status
        self.version = version
    }

    /// The status that means "accepted".
    public static let accepted: UInt16 = 200
    /// The status for bad credentials.
    public static let forbidden: UInt16 = 403
    /// The status for a bad request, such as an unknown monitor or one of the wrong transport.
    public static let badRequest: UInt16 = 400
}
