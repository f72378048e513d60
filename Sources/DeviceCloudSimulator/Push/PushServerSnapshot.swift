/// What a ``PushServer`` has seen so far, for tests and tools to observe and await.
public struct PushServerSnapshot: Sendable, Hashable {
    /// Monitors with a live, authenticated connection.
    public var connectedMonitors: Set<UInt32> = []
    /// Successful handshakes per monitor since the server started.
    public var handshakes: [UInt32: Int] = [:]
    /// Authenticated connections that have ended, per monitor.
    public var disconnects: [UInt32: Int] = [:]
    /// Handshakes refused (bad credentials, unknown monitor, bad request).
    public var rejectedHandshakes = 0
    /// Acknowledged block ids per monitor, in arrival order.
    public var acknowledgements: [UInt32: [UInt16]] = [:]
    /// Payload bytes of PublishMessages written, per monitor.
    public var bytesPublished: [UInt32: Int] = [:]
    /// How many times a monitor's connection stopped being writable because the client did not read.
    public var backpressureEvents: [UInt32: Int] = [:]

    /// Creates an empty snapshot.
    public init() {}
}
