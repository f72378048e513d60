import DeviceCloudServerSupport
public import DeviceCloudProtocol

/// Decides who may connect to a ``PushServer`` and hears about each session's life.
///
/// The full simulator implements this over its monitor store; ``StaticPushDirectory`` is a
/// fixed list for tests that only need the push protocol.
public protocol PushServerDelegate: Sendable {
    /// The ConnectResponse status for a request: 200 to accept, 403 for bad credentials,
    /// 400 for an unknown monitor or one that is not a TCP monitor.
    func authorize(_ request: ConnectRequest) async -> UInt16
    /// A client has authenticated for `session.monitorID`; the session can be published to.
    func sessionStarted(_ session: PushServerSession) async
    /// Delivers to the session for as long as the connection lasts.
    ///
    /// The server runs it beside the loop that reads the client's acknowledgements, after
    /// ``sessionStarted(_:)``, and cancels it when the connection ends; when it returns or
    /// throws, the server closes the connection. Writes suspend while the client does not read,
    /// which holds up only this connection.
    func serve(_ session: PushServerSession) async throws
    /// The client acknowledged a block.
    func acknowledged(blockID: UInt16, on session: PushServerSession) async
    /// The session's connection has closed.
    func sessionEnded(_ session: PushServerSession) async
}

extension PushServerDelegate {
    /// Does nothing.
    public func sessionStarted(_ session: PushServerSession) async {}
    /// Delivers nothing: waits until the connection ends (blocks are published through
    /// ``PushServer/publish(_:to:)`` or the session).
    public func serve(_ session: PushServerSession) async throws {
        let (ending, continuation) = AsyncStream<Never>.makeStream()
        await withTaskCancellationHandler {
            for await _ in ending {}
        } onCancel: {
            continuation.finish()
        }
    }
    /// Does nothing.
    public func acknowledged(blockID: UInt16, on session: PushServerSession) async {}
    /// Does nothing.
    public func sessionEnded(_ session: PushServerSession) async {}
}

/// Accepts one account and a fixed set of monitor ids.
public struct StaticPushDirectory: PushServerDelegate {
    private let username: String
    private let password: String
    private let monitors: Set<UInt32>

    /// Creates a directory that accepts `username`/`password` for the given monitors.
    public init(username: String, password: String, monitors: Set<UInt32>) {
        self.username = username
        self.password = password
        self.monitors = monitors
    }

    /// 200 for the account and one of the monitors, 403 for other credentials, 400 otherwise.
    public func authorize(_ request: ConnectRequest) async -> UInt16 {
        guard constantTimeEquals(request.username, self.username), constantTimeEquals(request.password, self.password)
        else { return ConnectResponse.forbidden }
        return self.monitors.contains(request.monitorID) ? ConnectResponse.accepted : ConnectResponse.badRequest
    }
}
