public import DeviceCloudProtocol
public import Logging
public import NIOCore
public import NIOPosix
public import NIOSSL
public import ServiceLifecycle
import Synchronization

/// The simulator's TCP push endpoint: speaks the service's side of the push protocol over plain
/// TCP or TLS.
///
/// Bind it first (port 0 picks a free port), then ``run()`` it in a task or a service group:
/// ```swift
/// let server = try await PushServer.bind(delegate: StaticPushDirectory(username: "u", password: "p", monitors: [1]))
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await server.run() }
///     // … connect clients to server.port, then server.publish(…, to: 1) …
/// }
/// ```
/// A second connection for a monitor that is already connected replaces the first (the older
/// one is closed) rather than being refused: a client whose connection died without it noticing
/// (a half-open TCP connection after a network change, a killed process) must be able to come
/// back at once, not be locked out until the dead connection times out. One connection per
/// monitor also keeps one consumer per monitor, as the protocol expects; with explicit
/// acknowledgement what the old connection had not had acknowledged is replayed on the new one.
///
/// Each connection is served in its own child task: the delegate's
/// ``PushServerDelegate/serve(_:)`` delivers while the connection's acknowledgements are read,
/// so a client that does not read holds up nobody else.
public final class PushServer: Service, Sendable {
    /// Where and how the server listens.
    public struct Configuration: Sendable {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        /// The address to bind; loopback by default.
        public var host: String
        /// The port; 0 picks a free one.
        public var port: Int
        /// TLS settings, or `nil` for plain TCP.
        public var tls: TLSConfiguration?
        /// Caps for frames received from authenticated clients.
        public var limits: PushLimits
        /// How long a new connection has to send its ConnectRequest; then it is closed.
        public var authenticationTimeout: Duration
        /// The largest payload a ConnectRequest may announce (it holds a user name, a password
        /// and a monitor id); a larger one closes the connection before anything is buffered.
        public var maximumConnectRequestLength: Int
        /// Connections served at once; more are closed on arrival.
        public var maximumConnections: Int

        // Written out: Swift synthesises no public memberwise initialiser.
        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            tls: TLSConfiguration? = nil,
            limits: PushLimits = .default,
            authenticationTimeout: Duration = .seconds(10),
            maximumConnectRequestLength: Int = 4_096,
            maximumConnections: Int = 10_000
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            self.limits = limits
            self.authenticationTimeout = authenticationTimeout
            self.maximumConnectRequestLength = maximumConnectRequestLength
            self.maximumConnections = maximumConnections
        }
    }

    /// The port the server listens on.
    public let port: Int
    /// Whether connections use TLS.
    public let usesTLS: Bool

    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<PushMessage, ByteBuffer>, Never>
    private let accepted: AcceptedConnections
    private let delegate: any PushServerDelegate
    private let observer = PushServerObserver()
    private let sessions = Mutex<[UInt32: PushServerSession]>([:])
    private let nextSessionID = Atomic<Int>(0)
    private let openConnections = Atomic<Int>(0)
    private let configuration: Configuration
    private let logger: Logger

    private init(
        serverChannel: NIOAsyncChannel<NIOAsyncChannel<PushMessage, ByteBuffer>, Never>,
        accepted: AcceptedConnections,
        configuration: Configuration,
        usesTLS: Bool,
        delegate: any PushServerDelegate,
        logger: Logger
    ) {
        self.serverChannel = serverChannel
        self.accepted = accepted
        self.configuration = configuration
        self.port = serverChannel.channel.localAddress?.port ?? 0
        self.usesTLS = usesTLS
        self.delegate = delegate
        self.logger = logger
    }

    /// Binds the listening socket. Connections are served once ``run()`` is called.
    public static func bind(
        configuration: Configuration = Configuration(),
        delegate: any PushServerDelegate,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "devicecloud.simulator.push")
    ) async throws -> PushServer {
        let sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let limits = configuration.limits
        let connectRequestLimit = configuration.maximumConnectRequestLength
        let accepted = AcceptedConnections()
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { child in
                child.eventLoop.makeCompletedFuture {
                    let pipeline = child.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try pipeline.addHandler(ConnectRequestGuard(maximumLength: connectRequestLimit))
                    try pipeline.addHandler(
                        ByteToMessageHandler(PushFrameDecoder(limits: limits, acceptsShortAcknowledgement: true))
                    )
                    try pipeline.addHandler(WritabilityReporter())
                    let connection = try NIOAsyncChannel<PushMessage, ByteBuffer>(wrappingChannelSynchronously: child)
                    accepted.hold(connection)
                    return connection
                }
            }
        return PushServer(
            serverChannel: channel, accepted: accepted, configuration: configuration, usesTLS: sslContext != nil, delegate: delegate, logger: logger)
    }

    /// Serves connections until the task is cancelled or the service group shuts down.
    public func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await self.serverChannel.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            self.accepted.take(connection)
                            group.addTask { await self.serve(connection) }
                        }
                    }
                }
            } onGracefulShutdown: {
                self.shutDown()
            }
        } catch {
            await self.accepted.closeUntaken()
            throw error
        }
        await self.accepted.closeUntaken()
    }

    /// Closes the listener and every connection.
    public func shutDown() {
        self.serverChannel.channel.close(promise: nil)
        for session in self.sessions.withLock({ Array($0.values) }) {
            session.close()
        }
    }

    /// What the server has seen so far.
    public var snapshot: PushServerSnapshot { self.observer.snapshot }

    /// Waits until `condition` holds for the server's record; cancel the task to stop waiting.
    @discardableResult
    public func wait(until condition: @escaping @Sendable (PushServerSnapshot) -> Bool) async throws -> PushServerSnapshot {
        try await self.observer.wait(until: condition)
    }

    /// The live session of a monitor, if a client is connected.
    public func session(for monitorID: UInt32) -> PushServerSession? {
        self.sessions.withLock { $0[monitorID] }
    }

    /// Sends a block to the monitor's connected client.
    ///
    /// - Throws: ``SimulatorError/Code/notConnected`` when no client is connected for the monitor, or the write fails.
    public func publish(_ message: PublishMessage, to monitorID: UInt32) async throws {
        guard let session = self.session(for: monitorID) else {
            throw SimulatorError.notConnected(monitorID: monitorID)
        }
        try await session.publish(message)
    }

    /// Closes the monitor's connection, if any.
    public func disconnect(_ monitorID: UInt32) {
        self.session(for: monitorID)?.close()
    }

    private func serve(_ connection: NIOAsyncChannel<PushMessage, ByteBuffer>) async {
        let open = self.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        defer { self.openConnections.wrappingSubtract(1, ordering: .relaxed) }
        guard open <= self.configuration.maximumConnections else {
            self.observer.update { $0.refusedConnections += 1 }
            // Closed with its writer finished: it is this loop's to finish.
            try? await connection.executeThenClose { _, _ in }
            return
        }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var messages = inbound.makeAsyncIterator()
                // A client that says nothing (or trickles) is closed once the time is up.
                let channel = connection.channel
                let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(self.configuration.authenticationTimeout)) {
                    channel.close(promise: nil)
                }
                let first = try await messages.next()
                deadline.cancel()
                guard case .connectRequest(let request)? = first else {
                    self.observer.update { $0.failedAuthentications += 1 }
                    return
                }
                let status = await self.delegate.authorize(request)
                var reply = ByteBuffer()
                try PushFrameEncoder.write(.connectResponse(ConnectResponse(status: status)), into: &reply)
                guard status == ConnectResponse.accepted else {
                    self.observer.update { $0.rejectedHandshakes += 1 }
                    try await outbound.write(reply)
                    return
                }
                let session = PushServerSession(
                    id: self.nextSessionID.wrappingAdd(1, ordering: .relaxed).oldValue,
                    monitorID: request.monitorID,
                    channel: connection.channel,
                    outbound: outbound,
                    observer: self.observer
                )
                try await self.stream(session, answer: reply, messages: &messages)
            }
        } catch {
            self.logger.debug("push connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Registers and counts the session, then answers the client: whoever sees the handshake
    /// complete also sees the server's record of it.
    private func stream(
        _ session: PushServerSession,
        answer: ByteBuffer,
        messages: inout NIOAsyncChannelInboundStream<PushMessage>.AsyncIterator
    ) async throws {
        let monitorID = session.monitorID
        let replaced = self.sessions.withLock { sessions in
            defer { sessions[monitorID] = session }
            return sessions[monitorID]
        }
        replaced?.close()
        let observer = self.observer
        try? await WritabilityReporter.sink(of: session.channel).set { writable in
            if !writable { observer.update { $0.backpressureEvents[monitorID, default: 0] += 1 } }
        }
        // The delegate hears of the session first, so that a test seeing the monitor connected
        // also sees the delegate's view of it (e.g. the monitor ACTIVE and recording).
        await self.delegate.sessionStarted(session)
        self.observer.update {
            $0.connectedMonitors.insert(monitorID)
            $0.handshakes[monitorID, default: 0] += 1
        }
        defer {
            let stillCurrent = self.sessions.withLock { sessions in
                guard sessions[monitorID] == session else { return false }
                sessions[monitorID] = nil
                return true
            }
            self.observer.update {
                if stillCurrent { $0.connectedMonitors.remove(monitorID) }
                $0.disconnects[monitorID, default: 0] += 1
            }
        }
        do {
            try await session.outbound.write(answer)
            session.answered.open()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { session.close() }
                    do {
                        try await self.delegate.serve(session)
                    } catch {
                        self.logger.debug("push delivery ended", metadata: ["monitor": "\(monitorID)", "error": "\(error)"])
                    }
                }
                // Whatever ends the reading (end of stream, a protocol error, an unexpected
                // message), the connection is closed so that a write suspended under
                // backpressure fails instead of waiting forever, and delivery is cancelled.
                defer {
                    session.close()
                    group.cancelAll()
                }
                try await self.readAcknowledgements(of: session, from: &messages)
            }
        } catch {
            await self.delegate.sessionEnded(session)
            throw error
        }
        await self.delegate.sessionEnded(session)
    }

    private func readAcknowledgements(
        of session: PushServerSession,
        from messages: inout NIOAsyncChannelInboundStream<PushMessage>.AsyncIterator
    ) async throws {
        let monitorID = session.monitorID
        while let message = try await messages.next() {
            guard case .publishMessageReceived(let received) = message else {
                self.logger.info("unexpected message from client", metadata: ["type": "\(message.messageType)"])
                return
            }
            self.observer.update { snapshot in
                snapshot.acknowledgementCounts[monitorID, default: 0] += 1
                snapshot.acknowledgements[monitorID, default: []].append(received.blockID)
                if snapshot.acknowledgements[monitorID, default: []].count > PushServerSnapshot.acknowledgementHistory {
                    snapshot.acknowledgements[monitorID]?.removeFirst(PushServerSnapshot.acknowledgementHistory / 2)
                }
            }
            await self.delegate.acknowledged(blockID: received.blockID, on: session)
        }
    }
}
