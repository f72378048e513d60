import DeviceCloudProtocol
public import Logging
import Metrics
public import NIOCore
public import NIOPosix

/// A push subscription to one monitor: connects, authenticates, and streams its batches.
///
/// ```swift
/// let session = PushSession(configuration: .init(host: "remotemanager.digi.com",
///     credentials: Credentials(username: "me", password: secret), monitorID: 178007))
/// for try await batch in session.events() {
///     for event in batch.events { print(event.topic, event.operation) }
///     await batch.acknowledge()
/// }
/// ```
///
/// The socket is read only as the consumer pulls batches, so a slow consumer pushes back on the
/// service instead of filling memory. Breaking out of the loop, dropping the stream, or cancelling
/// the consuming task closes the connection. A dropped connection is re-established following
/// ``Configuration/reconnect`` and the same stream goes on; bad credentials or a refused monitor
/// end it with a ``PushSessionError``.
public actor PushSession {
    /// The session's settings.
    public nonisolated let configuration: Configuration

    private let group: any EventLoopGroup
    private let logger: Logger
    private let lifetime = SessionLifetime()
    private let decoder: Result<BlockDecoder, PushProtocolError>
    private var connection: PushConnection?
    /// Messages already read from ``connection`` and not yet handed out.
    private var inbox: ArraySlice<PushMessage> = []
    private var hasConnected = false
    private let eventsCounter: Counter
    private let bytesCounter: Counter
    private let reconnectsCounter: Counter

    /// Creates a session; nothing connects until the event stream is first pulled.
    ///
    /// - Parameters:
    ///   - configuration: where and how to connect.
    ///   - eventLoopGroup: the NIO threads to use; sessions share the process-wide singleton by default.
    ///   - logger: receives connection, reconnect and error messages (never credentials).
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "devicecloud.push")
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        var logger = logger
        logger[metadataKey: "monitor"] = "\(configuration.monitorID)"
        self.logger = logger
        self.decoder = Result { () throws(PushProtocolError) in try BlockDecoder(limits: configuration.limits) }
        let dimensions = [("monitor", "\(configuration.monitorID)")]
        self.eventsCounter = Counter(label: "devicecloud.push.events", dimensions: dimensions)
        self.bytesCounter = Counter(label: "devicecloud.push.bytes", dimensions: dimensions)
        self.reconnectsCounter = Counter(label: "devicecloud.push.reconnects", dimensions: dimensions)
    }

    /// The monitor's batches, pulled on demand. One stream per session.
    ///
    /// The stream ends normally when the consuming task is cancelled, and with a
    /// ``PushSessionError`` when the session cannot go on.
    public nonisolated func events() -> AsyncThrowingStream<MonitorBatch, any Error> {
        guard self.lifetime.claimStream() else {
            let error = PushSessionError(
                .alreadyStreaming,
                monitorID: self.configuration.monitorID,
                message: "events() was already called on this session; create a new session for another stream"
            )
            return AsyncThrowingStream { throw error }
        }
        let ownership = StreamOwnership(self.lifetime)
        return AsyncThrowingStream { [self] in
            withExtendedLifetime(ownership) {}
            return try await self.nextBatch()
        }
    }

    /// Opens the stream, hands it to `body`, and closes everything when `body` returns or throws.
    nonisolated(nonsending) public func withEvents<Result>(
        _ body: (AsyncThrowingStream<MonitorBatch, any Error>) async throws -> Result
    ) async throws -> Result {
        let stream = self.events()
        defer { self.lifetime.terminate() }
        try await self.connect()
        return try await body(stream)
    }

    /// Connects and authenticates now rather than on the first pull of the stream.
    ///
    /// Lets a caller learn of bad credentials or an unknown monitor before it starts consuming.
    /// Does nothing when already connected.
    ///
    /// - Throws: ``PushSessionError``.
    public func connect() async throws {
        guard self.connection == nil, !self.lifetime.isTerminated else { return }
        _ = try await self.establish()
    }

    /// Ends the session and closes its connection; a waiting consumer's stream finishes.
    public nonisolated func close() {
        self.lifetime.terminate()
    }

    private func nextBatch() async throws -> MonitorBatch? {
        while true {
            guard !self.isOver else { return self.shutDown() }
            if let connection = self.connection, let message = self.inbox.popFirst() {
                guard case .publishMessage(let publish) = message else {
                    self.shutDown()
                    throw PushSessionError(
                        .protocolViolation,
                        monitorID: self.configuration.monitorID,
                        message: "unexpected \(message.messageType) while streaming"
                    )
                }
                return try self.makeBatch(publish, from: connection)
            }

            let connection: PushConnection
            if let current = self.connection {
                connection = current
            } else {
                guard let fresh = try await self.establish() else { return self.shutDown() }
                connection = fresh
                continue
            }

            let messages: [PushMessage]
            do {
                messages = try await connection.next()
            } catch {
                guard !self.isOver else { return self.shutDown() }
                if let protocolError = error as? PushProtocolError, protocolError.code != .truncatedStream {
                    self.shutDown()
                    throw PushSessionError(
                        .protocolViolation,
                        monitorID: self.configuration.monitorID,
                        message: "the service sent an invalid frame",
                        underlying: protocolError
                    )
                }
                self.connectionLost(connection, reason: "\(error)")
                continue
            }
            guard !messages.isEmpty else {
                guard !self.isOver else { return self.shutDown() }
                self.connectionLost(connection, reason: "closed by the service")
                continue
            }
            self.inbox = messages[...]
        }
    }

    private func makeBatch(_ publish: PublishMessage, from connection: PushConnection) throws -> MonitorBatch {
        let decoded: BlockDecoder.DecodedBlock
        do {
            decoded = try self.decoder.get().decode(publish)
        } catch {
            self.shutDown()
            throw PushSessionError(
                .undecodableBlock,
                monitorID: self.configuration.monitorID,
                message: "block \(publish.blockID) could not be decoded; it was not acknowledged",
                blockID: publish.blockID,
                underlying: error
            )
        }
        self.eventsCounter.increment(by: decoded.events.count)
        self.bytesCounter.increment(by: publish.payload.readableBytes)
        let acknowledger =
            self.configuration.acknowledgement == .explicit
            ? BatchAcknowledger.push(connection.acknowledgements) : .disabled
        return MonitorBatch(
            monitorID: self.configuration.monitorID,
            message: publish,
            decoded: decoded,
            acknowledger: acknowledger
        )
    }

    private var isOver: Bool { Task.isCancelled || self.lifetime.isTerminated }

    @discardableResult
    private func shutDown() -> MonitorBatch? {
        self.lifetime.terminate()
        self.connection?.close()
        self.connection = nil
        self.inbox = []
        return nil
    }

    private func connectionLost(_ connection: PushConnection, reason: String) {
        connection.close()
        self.connection = nil
        self.inbox = []
        self.logger.warning("push connection lost", metadata: ["reason": "\(reason)"])
    }

    /// Connects and authenticates: once for the first connection, following the reconnect policy
    /// after a drop. `nil` when the session ended meanwhile.
    private func establish() async throws -> PushConnection? {
        guard self.hasConnected else {
            let connection = try await self.connectAndHandshake()
            self.hasConnected = true
            return connection
        }
        let policy = self.configuration.reconnect
        var attempt = 0
        var lastError: (any Error)?
        while true {
            if let maximum = policy.maximumAttempts, attempt >= maximum {
                self.shutDown()
                throw PushSessionError(
                    .reconnectAttemptsExhausted,
                    monitorID: self.configuration.monitorID,
                    message: "could not reconnect after \(attempt) attempts",
                    underlying: lastError.map { SendableErrorDescription($0) }
                )
            }
            let delay = policy.delay(beforeAttempt: attempt, random: Double.random(in: 0...1))
            do {
                if delay > .zero {
                    try await self.configuration.clock.sleep(for: delay)
                }
            } catch {
                return nil
            }
            guard !self.isOver else { return nil }
            attempt += 1
            self.reconnectsCounter.increment()
            do {
                let connection = try await self.connectAndHandshake()
                self.logger.info("push connection re-established", metadata: ["attempt": "\(attempt)"])
                return connection
            } catch let error as PushSessionError
                where error.code == .authenticationFailed || error.code == .connectionRejected
            {
                self.shutDown()
                throw error
            } catch {
                guard !self.isOver else { return nil }
                lastError = error
                self.logger.warning(
                    "push reconnect attempt failed",
                    metadata: ["attempt": "\(attempt)", "error": "\(error)"]
                )
            }
        }
    }

    private func connectAndHandshake() async throws -> PushConnection {
        let configuration = self.configuration
        let connection: PushConnection
        do {
            connection = try await PushConnection.connect(
                host: configuration.host,
                port: configuration.port,
                transport: configuration.transport,
                limits: configuration.limits,
                connectTimeout: configuration.connectTimeout,
                group: self.group
            )
        } catch {
            throw PushSessionError(
                .connectionFailed,
                monitorID: configuration.monitorID,
                message: "could not connect to \(configuration.host):\(configuration.port)",
                underlying: SendableErrorDescription(error)
            )
        }
        guard self.lifetime.register(connection.channel) else {
            connection.close()
            throw CancellationError()
        }
        do {
            let (response, early) = try await self.handshake(on: connection)
            switch response.status {
            case ConnectResponse.accepted:
                self.connection = connection
                self.inbox = early
                self.logger.debug("push session established")
                return connection
            case ConnectResponse.forbidden:
                throw PushSessionError(
                    .authenticationFailed,
                    monitorID: configuration.monitorID,
                    message: "the service refused the credentials of user \(configuration.credentials.username)",
                    status: response.status
                )
            default:
                throw PushSessionError(
                    .connectionRejected,
                    monitorID: configuration.monitorID,
                    message: "the service refused the connection (400 means an unknown monitor or one that is not a TCP monitor)",
                    status: response.status
                )
            }
        } catch {
            connection.close()
            throw error
        }
    }

    /// Sends the ConnectRequest and reads the answer, with any blocks that arrived right behind it.
    private func handshake(on connection: PushConnection) async throws -> (ConnectResponse, ArraySlice<PushMessage>) {
        let configuration = self.configuration
        let request = ConnectRequest(
            username: configuration.credentials.username,
            password: configuration.credentials.password,
            monitorID: configuration.monitorID
        )
        // Not awaited: under TLS the write completes only after the handshake, which needs the read below.
        connection.channel.writeAndFlush(PushMessage.connectRequest(request), promise: nil)
        var reply: ArraySlice<PushMessage>
        do {
            reply = try await connection.next(timeout: configuration.handshakeTimeout)[...]
        } catch is PushInboundReader.Timeout {
            throw PushSessionError(
                .handshakeTimeout,
                monitorID: configuration.monitorID,
                message: "no ConnectResponse within \(configuration.handshakeTimeout)"
            )
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PushSessionError(
                .connectionFailed,
                monitorID: configuration.monitorID,
                message: "the connection failed during the handshake",
                underlying: SendableErrorDescription(error)
            )
        }
        let first = reply.popFirst()
        guard case .connectResponse(let response) = first else {
            throw PushSessionError(
                .connectionFailed,
                monitorID: configuration.monitorID,
                message: first.map { "expected a ConnectResponse, got \($0.messageType)" }
                    ?? "the service closed the connection during the handshake"
            )
        }
        return (response, reply)
    }
}

/// Keeps an arbitrary error's text so it can travel inside a Sendable error.
public struct SendableErrorDescription: Error, Sendable, CustomStringConvertible {
    /// The original error's description.
    public let description: String
    /// The original error's type name.
    public let typeName: String

    init(_ error: any Error) {
        self.description = String(describing: error)
        self.typeName = String(reflecting: type(of: error))
    }
}
