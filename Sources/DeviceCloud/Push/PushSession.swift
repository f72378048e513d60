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
/// service instead of filling memory. Breaking out of the loop, dropping the stream, cancelling
/// the consuming task or calling ``close()`` closes the connection at once, in every state. A
/// dropped or silent connection is re-established following ``Configuration/reconnect`` and the
/// same stream goes on; bad credentials or a refused monitor end it with a ``PushSessionError``.
///
/// Every decision is made by `PushSessionStateMachine` (in `PushSessionStateMachine.swift`);
/// this actor only performs its actions: dial, write, read, decode, sleep, close.
public actor PushSession {
    /// The session's settings.
    public nonisolated let configuration: Configuration

    private let group: any EventLoopGroup
    private let logger: Logger
    let core: PushSessionCore
    private let decoder: Result<BlockDecoder, DeviceCloudProtocolError>
    /// Measures how long the current connection has been accepted, on the configured clock.
    private var acceptedFor: Stopwatch?
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
        self.core = PushSessionCore(
            settings: .init(
                monitorID: configuration.monitorID,
                reconnect: configuration.reconnect,
                handshakeTimeout: configuration.handshakeTimeout,
                idleTimeout: configuration.idleTimeout,
                stablePeriod: configuration.stablePeriod,
                undecodableBlocks: configuration.undecodableBlocks
            )
        )
        self.decoder = Result { () throws(DeviceCloudProtocolError) in try BlockDecoder(limits: configuration.limits) }
        let dimensions = [("monitor", "\(configuration.monitorID)")]
        self.eventsCounter = Counter(label: "devicecloud.push.events", dimensions: dimensions)
        self.bytesCounter = Counter(label: "devicecloud.push.bytes", dimensions: dimensions)
        self.reconnectsCounter = Counter(label: "devicecloud.push.reconnects", dimensions: dimensions)
    }

    /// The monitor's batches, pulled on demand. One stream per session, one consumer at a time.
    ///
    /// The stream ends normally when the consuming task is cancelled or the session is closed,
    /// and with a ``PushSessionError`` when the session cannot go on. A second call, or a second
    /// task pulling while another waits, gets ``PushSessionError/Code/alreadyStreaming``.
    public nonisolated func events() -> AsyncThrowingStream<MonitorBatch, any Error> {
        guard self.core.withMachine({ $0.claimStream() }) else {
            let error = self.alreadyStreaming("events() was already called on this session; create a new session for another stream")
            return AsyncThrowingStream { throw error }
        }
        // The stream-ownership pattern PushSession and HTTPReceiver share; each hands off its own source.
        let ownership = StreamOwnership(self.core)
        return AsyncThrowingStream { [self] in
            withExtendedLifetime(ownership) {}
            return try await self.nextBatch()
        }
    }

    /// Opens the stream, hands it to `body`, and closes everything when `body` returns or throws.
    ///
    /// Returns once the connection has closed, so every acknowledgement `body` made has been
    /// handed to the network: a program may exit right after.
    nonisolated(nonsending) public func withEvents<Result>(
        _ body: (AsyncThrowingStream<MonitorBatch, any Error>) async throws -> Result
    ) async throws -> Result {
        let stream = self.events()
        let result: Result
        do {
            try await self.connect()
            result = try await body(stream)
        } catch {
            await self.closeAndWait()
            throw error
        }
        await self.closeAndWait()
        return result
    }

    /// Connects and authenticates now rather than on the first pull of the stream.
    ///
    /// Lets a caller learn of bad credentials or an unknown monitor before it starts consuming.
    /// Returns at once when already connected or when the stream's consumer is connecting; waits
    /// when another `connect()` is in flight. It never opens a second connection.
    ///
    /// - Throws: ``PushSessionError``.
    public func connect() async throws {
        while true {
            switch self.core.withMachine({ $0.beginConnect() }) {
            case .done, .alreadyStreaming:
                return
            case .wait:
                await self.waitForDriver()
            case .drive:
                defer { self.core.endDriving() }
                _ = try await self.drive(until: .established)
                return
            }
        }
    }

    /// Ends the session and closes its connection; a waiting consumer's stream finishes normally.
    public nonisolated func close() {
        self.core.close()
    }

    /// Ends the session like ``close()`` and returns once its connection has closed, so that the
    /// acknowledgements already made have been handed to the network (the close is queued
    /// behind their flush).
    public nonisolated func closeAndWait() async {
        try? await self.core.close()?.get()
    }

    private func nextBatch() async throws -> MonitorBatch? {
        while true {
            switch self.core.withMachine({ $0.beginPull() }) {
            case .alreadyStreaming:
                throw self.alreadyStreaming("another task is already pulling this session's stream")
            case .wait, .done:
                await self.waitForDriver()
            case .drive:
                defer { self.core.endDriving() }
                return try await self.drive(until: .batch)
            }
        }
    }

    private func waitForDriver() async {
        await withTaskCancellationHandler {
            await self.core.waitForDriver()
        } onCancel: {
            self.core.close()
        }
    }

    private enum Goal { case batch, established }

    /// Performs the machine's actions until a batch is ready (or, for ``connect()``, until the
    /// service accepted the connection). Cancelling the task closes the session, which wakes
    /// whatever is awaited; the machine then answers `.finish`.
    private func drive(until goal: Goal) async throws -> MonitorBatch? {
        try await withTaskCancellationHandler {
            try await self.performActions(until: goal)
        } onCancel: {
            self.core.close()
        }
    }

    private func performActions(until goal: Goal) async throws -> MonitorBatch? {
        var action = self.core.withMachine { $0.next() }
        while true {
            switch action {
            case .proceed:
                action = self.core.withMachine { machine in
                    goal == .established && machine.isStreaming ? .finish : machine.next()
                }
            case .connect:
                action = await self.dial()
            case .sendConnectRequest(let connection):
                let credentials = self.configuration.credentials
                connection.send(
                    ConnectRequest(username: credentials.username, password: credentials.password, monitorID: self.configuration.monitorID)
                )
                action = self.core.withMachine { $0.requestSent() }
            case .read(let connection, let timeout):
                action = await self.read(connection, timeout: timeout)
            case .deliver(let message, let connection):
                do throws(DeviceCloudProtocolError) {
                    return try self.makeBatch(message, from: connection)
                } catch {
                    action = self.core.withMachine { $0.blockUndecodable(message, from: connection, error: error) }
                }
            case .deliverUndecodable(let message, let connection, let error):
                self.logger.error("undecodable block handed to the consumer", metadata: ["block": "\(message.blockID)", "error": "\(error)"])
                return self.makeUndecodableBatch(message, from: connection, error: error)
            case .closeAndContinue(let connection):
                connection.close()
                action = .proceed
            case .backOff(let delay):
                action = await self.backOff(delay)
            case .finish:
                return nil
            case .fail(let error):
                throw error
            }
        }
    }

    private func dial() async -> PushSessionCore.Machine.Action {
        let isReconnect = self.core.withMachine { $0.hasStreamed }
        if isReconnect { self.reconnectsCounter.increment() }
        let core = self.core
        do {
            let connection = try await PushConnection.connect(
                configuration: self.configuration,
                group: self.group,
                registerChannel: { core.registerDialing($0) }
            )
            core.registerDialing(nil)
            if isReconnect { self.logger.info("push connection re-established") }
            return core.withMachine { $0.connected(connection) }
        } catch {
            core.registerDialing(nil)
            return core.withMachine { $0.connectFailed(error) }
        }
    }

    private func read(_ connection: PushConnection, timeout: Duration?) async -> PushSessionCore.Machine.Action {
        let messages: [PushMessage]?
        do {
            if let timeout {
                messages = try await connection.next(within: timeout, on: self.configuration.clock)
            } else {
                messages = try await connection.next()
            }
        } catch {
            return self.core.withMachine { $0.readFailed(error, uptime: self.uptime) }
        }
        guard let messages else {
            return self.core.withMachine { $0.readTimedOut(uptime: self.uptime) }
        }
        guard !messages.isEmpty else {
            return self.core.withMachine { $0.readFailed(nil, uptime: self.uptime) }
        }
        let (action, accepted) = self.core.withMachine { machine in
            let wasStreaming = machine.isStreaming
            let action = machine.received(messages)
            return (action, !wasStreaming && machine.isStreaming)
        }
        if accepted {
            self.acceptedFor = Stopwatch(startingOn: self.configuration.clock)
            self.logger.debug("push session established")
        }
        return action
    }

    private var uptime: Duration { self.acceptedFor?.elapsed() ?? .zero }

    /// Sleeps on the configured clock. The sleep runs as a task of its own (awaited here, so it
    /// never outlives this call) so that ``close()`` can cancel it from any thread.
    private func backOff(_ delay: Duration) async -> PushSessionCore.Machine.Action {
        self.acceptedFor = nil
        let reason = self.core.withMachine { machine -> String in
            if case .backingOff(_, let lastError) = machine.state { return "\(lastError)" }
            return ""
        }
        self.logger.warning("push connection lost; reconnecting", metadata: ["delay": "\(delay)", "reason": "\(reason)"])
        if delay > .zero {
            let clock = self.configuration.clock
            let sleeper = Task { try await clock.sleep(for: delay) }
            self.core.registerSleeper(sleeper)
            _ = await sleeper.result
            self.core.registerSleeper(nil)
        }
        return self.core.withMachine { $0.backoffElapsed() }
    }

    private func makeBatch(_ publish: PublishMessage, from connection: PushConnection) throws(DeviceCloudProtocolError) -> MonitorBatch {
        if self.configuration.decoding == .raw {
            // Inflating only: the scanner never sees a raw session's documents.
            let document = try self.decoder.get().inflate(publish)
            self.bytesCounter.increment(by: publish.payload.readableBytes)
            return MonitorBatch(
                monitorID: self.configuration.monitorID,
                message: publish,
                document: document,
                events: [],
                decodingError: nil,
                acknowledger: self.acknowledger(for: connection)
            )
        }
        let decoded = try self.decoder.get().decode(publish)
        self.eventsCounter.increment(by: decoded.events.count)
        self.bytesCounter.increment(by: publish.payload.readableBytes)
        return MonitorBatch(
            monitorID: self.configuration.monitorID,
            message: publish,
            document: decoded.document,
            events: decoded.events,
            decodingError: nil,
            acknowledger: self.acknowledger(for: connection)
        )
    }

    private func makeUndecodableBatch(
        _ publish: PublishMessage,
        from connection: PushConnection,
        error: DeviceCloudProtocolError
    ) -> MonitorBatch {
        let document = (try? self.decoder.get().inflate(publish)) ?? publish.payload
        return MonitorBatch(
            monitorID: self.configuration.monitorID,
            message: publish,
            document: document,
            events: [],
            decodingError: error,
            acknowledger: self.acknowledger(for: connection)
        )
    }

    private func acknowledger(for connection: PushConnection) -> BatchAcknowledger {
        self.configuration.acknowledgement == .explicit ? .push(connection.acknowledgements) : .disabled
    }

    private nonisolated func alreadyStreaming(_ message: String) -> PushSessionError {
        PushSessionError(.alreadyStreaming, monitorID: self.configuration.monitorID, message: message)
    }
}

/// Time elapsed since a start instant on an injected clock.
struct Stopwatch: Sendable {
    let elapsed: @Sendable () -> Duration

    init(startingOn clock: any Clock<Duration>) {
        self.elapsed = Self.measure(clock)
    }

    private static func measure<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }
}
