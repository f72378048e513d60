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
    /// The last ``acknowledgementHistory`` acknowledged block ids per monitor, in arrival order.
    public var acknowledgements: [UInt32: [UInt16]] = [:]
    /// Every acknowledgement received, per monitor (the log above keeps only the last ones).
    public var acknowledgementCounts: [UInt32: Int] = [:]
    /// Connections refused because ``PushServer/Configuration/maximumConnections`` were open.
    public var refusedConnections = 0
    /// Connections closed because no ConnectRequest arrived in time, or an oversize one was announced.
    public var failedAuthentications = 0

    /// How many acknowledged block ids ``acknowledgements`` keeps per monitor.
    public static let acknowledgementHistory = 1_024
    /// Payload bytes of PublishMessages written, per monitor.
    public var bytesPublished: [UInt32: Int] = [:]
    /// How many times a monitor's connection stopped being writable because the client did not read.
    public var backpressureEvents: [UInt32: Int] = [:]

    /// Creates an empty snapshot.
    public init() {}
}
