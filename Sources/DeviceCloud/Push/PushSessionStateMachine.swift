import DeviceCloudProtocol

/// Every decision a push session makes, as a value type with no I/O.
///
/// The session's driver (the task pulling the stream, or one calling ``PushSession/connect()``)
/// asks ``next()`` what to do, performs it (dial, write, read, sleep, decode) and reports the
/// outcome as an input; each input returns the next ``Action``. ``close()`` may come from any
/// thread at any time. The machine never touches a socket or a clock: time arrives as inputs
/// (``readTimedOut()``, ``backoffElapsed()``, the `uptime` of a lost connection), so every rule
/// below is tested without sockets or sleeps.
///
/// States: `idle` → `connecting` → `handshaking` → `streaming` → (`backingOff` → `connecting` …)
/// → `closed`. Generic over the connection so tests can use plain values.
struct PushSessionStateMachine<Connection: Sendable>: Sendable {
    /// What the machine needs of the configuration.
    struct Settings: Sendable {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        var monitorID: UInt32
        var reconnect: ReconnectPolicy
        var handshakeTimeout: Duration
        var idleTimeout: Duration?
        var stablePeriod: Duration
        var undecodableBlocks: UndecodableBlockPolicy
    }

    enum State: Sendable {
        case idle
        /// A dial is in flight.
        case connecting
        /// Connected; the ConnectRequest is sent or about to be, the ConnectResponse awaited.
        case handshaking(Connection)
        /// Accepted by the service; blocks flow.
        case streaming(Connection)
        /// Waiting before the next attempt; `lastError` says why the previous one ended.
        case backingOff(delay: Duration, lastError: any Error)
        /// Over for good: `nil` for a normal end (close, cancellation), else the error to throw.
        case closed(PushSessionError?)
    }

    /// What the driver does next.
    enum Action: Sendable {
        /// Open a connection (TCP, then TLS lazily), then report ``connected(_:)`` or ``connectFailed(_:)``.
        case connect
        /// Write the ConnectRequest, then report ``requestSent()``.
        case sendConnectRequest(Connection)
        /// Read once (at least one message), giving up after `timeout`; then report ``received(_:)``,
        /// ``readFailed(_:)`` or ``readTimedOut()``.
        case read(Connection, timeout: Duration?)
        /// Decode the block and hand it to the consumer; on a decoding error report ``blockUndecodable(_:error:)``.
        case deliver(PublishMessage, from: Connection)
        /// Close this connection, then ask ``next()`` again.
        case closeAndContinue(Connection)
        /// Sleep on the clock, then report ``backoffElapsed()``.
        case backOff(Duration)
        /// Ask ``next()`` again.
        case proceed
        /// The stream ends normally.
        case finish
        /// The stream ends with this error.
        case fail(PushSessionError)
        /// Hand the consumer the undecodable block as a batch carrying the error (policy `.deliver`).
        case deliverUndecodable(PublishMessage, from: Connection, error: DeviceCloudProtocolError)
    }

    /// What a driver should do when it arrives.
    enum DriverStart: Sendable, Equatable {
        /// Drive the session.
        case drive
        /// Another task is driving a connection attempt; wait for it to finish, then ask again.
        case wait
        /// Nothing to do: already connected or over (``beginConnect()`` only).
        case done
        /// A consumer is already pulling this stream (``beginPull()`` only).
        case alreadyStreaming
    }

    private enum Driver: Sendable { case consumer, connect }

    let settings: Settings
    private(set) var state: State = .idle
    /// Blocks read and not yet handed out, with the connection that delivered them.
    private var inbox: [(PublishMessage, Connection)] = []
    private var inboxStart = 0
    /// Connection attempts begun since the last connection that stayed up for the stable period.
    private(set) var attempts = 0
    /// Whether a connection was ever accepted: before that, connection failures end the session.
    private(set) var hasStreamed = false
    private var driver: Driver?
    private var streamClaimed = false

    init(settings: Settings) {
        self.settings = settings
    }

    var isClosed: Bool {
        if case .closed = self.state { return true }
        return false
    }

    var isStreaming: Bool {
        if case .streaming = self.state { return true }
        return false
    }

    /// Whether a task is driving the session now.
    var isDriven: Bool { self.driver != nil }

    /// The connection open now, if any: the one to close when the session ends.
    var liveConnection: Connection? {
        switch self.state {
        case .handshaking(let connection), .streaming(let connection): connection
        case .idle, .connecting, .backingOff, .closed: nil
        }
    }

    // MARK: Drivers

    /// ``PushSession/events()`` was called; `false` when a stream was made already.
    mutating func claimStream() -> Bool {
        defer { self.streamClaimed = true }
        return !self.streamClaimed
    }

    /// The stream's consumer asks for the next batch.
    mutating func beginPull() -> DriverStart {
        // Once closed there is no I/O left to share: every caller may read the outcome.
        if case .closed = self.state { return .drive }
        return self.claimDriving(as: .consumer, whileConsumerDrives: .alreadyStreaming)
    }

    /// ``PushSession/connect()`` was called.
    mutating func beginConnect() -> DriverStart {
        switch self.state {
        case .streaming, .closed: return .done
        case .idle, .connecting, .handshaking, .backingOff: break
        }
        return self.claimDriving(as: .connect, whileConsumerDrives: .done)
    }

    /// Makes `role` the driver when there is none; a `connect()` driving already means wait.
    private mutating func claimDriving(as role: Driver, whileConsumerDrives answer: DriverStart) -> DriverStart {
        switch self.driver {
        case .consumer: return answer
        case .connect: return .wait
        case nil:
            self.driver = role
            return .drive
        }
    }

    /// The current driver stopped (returned, threw, or was cancelled).
    mutating func endDriving() {
        self.driver = nil
    }

    // MARK: Inputs

    /// What to do now, from the current state.
    mutating func next() -> Action {
        switch self.state {
        case .closed(let error):
            self.inbox.removeAll()
            return error.map { .fail($0) } ?? .finish
        case .idle:
            self.state = .connecting
            return .connect
        case .connecting:
            // Only reached when a driver stopped mid-dial (cancelled): dial again.
            return .connect
        case .handshaking(let connection):
            return .read(connection, timeout: self.settings.handshakeTimeout)
        case .streaming(let connection):
            if let (message, source) = self.popInbox() {
                return .deliver(message, from: source)
            }
            return .read(connection, timeout: self.settings.idleTimeout)
        case .backingOff(let delay, _):
            if let (message, source) = self.popInbox() {
                return .deliver(message, from: source)
            }
            return .backOff(delay)
        }
    }

    /// The dial succeeded.
    mutating func connected(_ connection: Connection) -> Action {
        switch self.state {
        case .connecting:
            self.state = .handshaking(connection)
            return .sendConnectRequest(connection)
        case .closed:
            return .closeAndContinue(connection)
        case .idle, .handshaking, .streaming, .backingOff:
            preconditionFailure("connected(_:) without a dial in flight")
        }
    }

    /// The dial failed (refused, unreachable, timed out).
    mutating func connectFailed(_ error: any Error) -> Action {
        guard case .connecting = self.state else { return .proceed }
        return self.attemptFailed(
            PushSessionError(
                .connectionFailed,
                monitorID: self.settings.monitorID,
                message: "could not connect to the push service",
                underlying: error
            )
        )
    }

    /// The ConnectRequest is written: wait for the answer.
    mutating func requestSent() -> Action {
        .proceed
    }

    /// One read's messages arrived.
    mutating func received(_ messages: [PushMessage]) -> Action {
        switch self.state {
        case .handshaking(let connection):
            guard case .connectResponse(let response)? = messages.first else {
                let description = messages.first.map { "expected a ConnectResponse, got \($0.messageType)" }
                return self.end(
                    PushSessionError(
                        .protocolViolation,
                        monitorID: self.settings.monitorID,
                        message: description ?? "the service sent nothing"
                    ),
                    closing: connection
                )
            }
            return self.answered(response.status, on: connection, then: messages.dropFirst())
        case .streaming(let connection):
            return self.append(messages[...], from: connection)
        case .idle, .connecting, .backingOff, .closed:
            return .proceed
        }
    }

    /// The read failed, or the service closed the connection (`error` is then `nil`).
    ///
    /// - Parameter uptime: how long the connection had been accepted (zero if it never was).
    mutating func readFailed(_ error: (any Error)?, uptime: Duration = .zero) -> Action {
        switch self.state {
        case .handshaking(let connection):
            let failure = PushSessionError(
                .connectionFailed,
                monitorID: self.settings.monitorID,
                message: error == nil
                    ? "the service closed the connection during the handshake"
                    : "the connection failed during the handshake",
                underlying: error
            )
            return self.attemptFailed(failure, closing: connection)
        case .streaming(let connection):
            if let protocolError = error as? DeviceCloudProtocolError, protocolError.code != .truncatedStream {
                return self.end(
                    PushSessionError(
                        .protocolViolation,
                        monitorID: self.settings.monitorID,
                        message: "the service sent an invalid frame",
                        underlying: protocolError
                    ),
                    closing: connection
                )
            }
            let reason = PushSessionError(
                .connectionLost,
                monitorID: self.settings.monitorID,
                message: error == nil ? "the service closed the connection" : "the connection failed",
                underlying: error
            )
            return self.lost(connection, reason: reason, uptime: uptime)
        case .idle, .connecting, .backingOff, .closed:
            return .proceed
        }
    }

    /// Nothing arrived within the read's timeout (the handshake timeout, or the idle timeout).
    mutating func readTimedOut(uptime: Duration = .zero) -> Action {
        switch self.state {
        case .handshaking(let connection):
            let failure = PushSessionError(
                .handshakeTimeout,
                monitorID: self.settings.monitorID,
                message: "no ConnectResponse within \(self.settings.handshakeTimeout)"
            )
            return self.attemptFailed(failure, closing: connection)
        case .streaming(let connection):
            let reason = PushSessionError(
                .idleTimeout,
                monitorID: self.settings.monitorID,
                message: "nothing received for \(self.settings.idleTimeout ?? .zero)"
            )
            return self.lost(connection, reason: reason, uptime: uptime)
        case .idle, .connecting, .backingOff, .closed:
            return .proceed
        }
    }

    /// The backoff delay passed: dial again.
    mutating func backoffElapsed() -> Action {
        guard case .backingOff = self.state else { return .proceed }
        self.state = .connecting
        self.attempts += 1
        return .connect
    }

    /// A delivered block could not be inflated or scanned.
    mutating func blockUndecodable(_ message: PublishMessage, from connection: Connection, error: DeviceCloudProtocolError) -> Action {
        if case .closed = self.state { return .proceed }
        switch self.settings.undecodableBlocks {
        case .fail:
            let failure = PushSessionError(
                .undecodableBlock,
                monitorID: self.settings.monitorID,
                message: "block \(message.blockID) could not be decoded; it was not acknowledged",
                blockID: message.blockID,
                underlying: error
            )
            return self.end(failure, closing: self.liveConnection)
        case .deliver:
            return .deliverUndecodable(message, from: connection, error: error)
        }
    }

    /// The session is closed, or its consumer cancelled: the stream ends normally.
    ///
    /// - Returns: the connection to close, if one is open.
    mutating func close() -> Connection? {
        if case .closed = self.state { return nil }
        let connection = self.liveConnection
        self.state = .closed(nil)
        self.inbox.removeAll()
        self.inboxStart = 0
        return connection
    }

    // MARK: Rules

    private mutating func answered(
        _ status: UInt16,
        on connection: Connection,
        then rest: ArraySlice<PushMessage>
    ) -> Action {
        switch status {
        case ConnectResponse.accepted:
            self.state = .streaming(connection)
            self.hasStreamed = true
            return self.append(rest, from: connection)
        case ConnectResponse.forbidden:
            return self.end(
                PushSessionError(
                    .authenticationFailed,
                    monitorID: self.settings.monitorID,
                    message: "the service refused the credentials",
                    status: status
                ),
                closing: connection
            )
        case ConnectResponse.badRequest:
            return self.end(
                PushSessionError(
                    .connectionRejected,
                    monitorID: self.settings.monitorID,
                    message: "the service refused the connection (400 means an unknown monitor or one that is not a TCP monitor)",
                    status: status
                ),
                closing: connection
            )
        default:
            // A transient refusal (503 while the service is busy, say): retried with backoff,
            // even on the first connection.
            let refusal = PushSessionError(
                .connectionRejected,
                monitorID: self.settings.monitorID,
                message: "the service answered \(status); retrying",
                status: status
            )
            return self.backOff(after: refusal, closing: connection)
        }
    }

    private mutating func append(_ messages: ArraySlice<PushMessage>, from connection: Connection) -> Action {
        for message in messages {
            guard case .publishMessage(let publish) = message else {
                return self.end(
                    PushSessionError(
                        .protocolViolation,
                        monitorID: self.settings.monitorID,
                        message: "unexpected \(message.messageType) while streaming"
                    ),
                    closing: connection
                )
            }
            self.inbox.append((publish, connection))
        }
        return .proceed
    }

    /// An accepted connection dropped or went silent. A connection that lived through the stable
    /// period starts the attempt count afresh; one that did not is backed off like a failure, so
    /// a service that accepts and drops again and again is not redialled in a tight loop.
    private mutating func lost(_ connection: Connection, reason: PushSessionError, uptime: Duration) -> Action {
        if uptime >= self.settings.stablePeriod {
            self.attempts = 0
        }
        return self.backOff(after: reason, closing: connection)
    }

    /// A dial, TLS handshake or ConnectResponse wait failed. Before the first accepted connection
    /// this ends the session (the configuration is probably wrong); after it, it is retried.
    private mutating func attemptFailed(_ failure: PushSessionError, closing connection: Connection? = nil) -> Action {
        guard self.hasStreamed else { return self.end(failure, closing: connection) }
        return self.backOff(after: failure, closing: connection)
    }

    private mutating func backOff(after failure: PushSessionError, closing connection: Connection?) -> Action {
        let policy = self.settings.reconnect
        if let maximum = policy.maximumAttempts, self.attempts >= maximum {
            return self.end(
                PushSessionError(
                    .reconnectAttemptsExhausted,
                    monitorID: self.settings.monitorID,
                    message: "could not reconnect after \(self.attempts) attempts",
                    underlying: failure
                ),
                closing: connection
            )
        }
        let delay = policy.delay(beforeAttempt: self.attempts, random: Double.random(in: 0...1))
        self.state = .backingOff(delay: delay, lastError: failure)
        return connection.map { .closeAndContinue($0) } ?? .proceed
    }

    private mutating func end(_ error: PushSessionError, closing connection: Connection?) -> Action {
        self.state = .closed(error)
        self.inbox.removeAll()
        self.inboxStart = 0
        return connection.map { .closeAndContinue($0) } ?? .proceed
    }

    private mutating func popInbox() -> (PublishMessage, Connection)? {
        guard self.inboxStart < self.inbox.count else { return nil }
        defer {
            self.inboxStart += 1
            if self.inboxStart == self.inbox.count {
                self.inbox.removeAll(keepingCapacity: true)
                self.inboxStart = 0
            }
        }
        return self.inbox[self.inboxStart]
    }
}
