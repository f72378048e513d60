public import DeviceCloudProtocol
import DeviceCloudServerSupport
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import NIOSSL
public import ServiceLifecycle
import Synchronization

/// Receives the blocks an HTTP-transport monitor PUTs or POSTs, and hands them on as the same
/// `MonitorBatch` stream a TCP monitor's push session gives.
///
/// ```swift
/// let receiver = HTTPReceiver(configuration: .init(port: 8080, path: "/push",
///     token: Credentials(username: "hook", password: secret)))
/// try await receiver.withEvents { batches in
///     for try await batch in batches {
///         for event in batch.events { print(event.topic, event.operation) }
///         await batch.acknowledge()      // only now is the delivery answered 200
///     }
/// }
/// ```
///
/// **Delivery semantics.** A request is answered only once the consumer has taken its batch
/// (and, with `AcknowledgementMode/explicit`, called `MonitorBatch/acknowledge()`): a 2xx
/// tells the service the block is delivered, so a consumer that stops before acknowledging
/// causes a retry rather than a loss (at-least-once; a retried block may repeat events the
/// consumer already saw). A delivery whose body has not arrived, or whose batch was not taken
/// (or acknowledged), within ``Configuration/handoffTimeout`` of its request's arrival is
/// answered 503 and dropped, and the service sends it again. At most
/// ``Configuration/maximumConcurrentReads`` bodies are read and
/// ``Configuration/maximumWaitingRequests`` decoded deliveries wait at once; more are answered
/// 503 at once. Nothing is buffered beyond that.
///
/// **Slow and hostile clients.** Requests without the token (or header secret) are answered 401
/// before their body is read. At most ``Configuration/maximumConnections`` connections are
/// open; idle connections, request bodies that do not arrive in time and stalled TLS
/// handshakes are closed (``Configuration/idleTimeout``,
/// ``Configuration/requestReadTimeout``, ``Configuration/tlsHandshakeTimeout``). A response
/// given before its request's body was read closes the connection.
///
/// **Batches.** HTTP carries no block id: `MonitorBatch/blockID` is a sequence number the
/// receiver assigns as the consumer takes batches (0, 1, 2, …, wrapping after 65535; a block
/// the service sends again gets a new number). `MonitorBatch/monitorID` is
/// ``Configuration/monitorID`` (0 by default), `MonitorBatch/announcedCount` the number of
/// events, `MonitorBatch/compression` whether the body was a zlib stream.
///
/// **Lifetime.** ``withEvents(_:)`` runs the server for the duration of its closure. As a
/// swift-service-lifecycle `Service`, ``run()`` serves until graceful shutdown, cancellation,
/// ``close()``, or the consumer of ``events()`` going away (breaking out of its loop, dropping
/// the stream, or cancelling its task); then waiting deliveries are answered 503, the stream
/// ends and the port is closed.
public final class HTTPReceiver: Service, Sendable {
    /// The receiver's settings.
    public let configuration: Configuration

    private let handoff: BatchHandoff
    private let listening = ListeningSignal()
    private let hasRun = Atomic<Bool>(false)
    private let hasStream = Atomic<Bool>(false)
    private let logger: Logger

    /// Creates a receiver; nothing listens until ``run()`` or ``withEvents(_:)``.
    ///
    /// - Parameters:
    ///   - configuration: Where to listen, the token, acknowledgement and limits.
    ///   - logger: Receives refused deliveries and server failures (never credentials).
    public init(configuration: Configuration, logger: Logger = Logger(label: "devicecloud.http-receiver")) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "monitor"] = "\(configuration.monitorID)"
        self.logger = logger
        self.handoff = BatchHandoff(
            maximumWaitingRequests: configuration.maximumWaitingRequests,
            acknowledgement: configuration.acknowledgement,
            monitorID: configuration.monitorID
        )
    }

    /// The port the server listens on; `nil` until it listens.
    public var port: Int? { self.listening.port }

    /// Waits until the server listens and returns its port.
    ///
    /// - Throws: ``HTTPReceiverError`` with ``HTTPReceiverError/Code/listenFailed`` when it
    ///   cannot listen or stopped before it did, or `CancellationError`.
    @discardableResult
    public func waitUntilListening() async throws -> Int {
        try await self.listening.wait()
    }

    /// The delivered batches, handed over as the consumer pulls them. One stream per receiver.
    ///
    /// Runs nothing by itself: pair it with ``run()`` (e.g. in a `ServiceGroup`), or use
    /// ``withEvents(_:)``. The stream ends when the receiver stops, and throws
    /// ``HTTPReceiverError`` when the server fails. Breaking out of the loop, dropping the
    /// stream or cancelling the consuming task stops the receiver.
    public func events() -> AsyncThrowingStream<MonitorBatch, any Error> {
        guard self.hasStream.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            let error = HTTPReceiverError(
                .alreadyStreaming,
                "events() was already called on this receiver; create a new receiver for another stream"
            )
            return AsyncThrowingStream { throw error }
        }
        // The stream-ownership pattern PushSession and HTTPReceiver share; each hands off its own source.
        let ownership = ConsumerOwnership(self.handoff)
        return AsyncThrowingStream { [handoff = self.handoff] in
            withExtendedLifetime(ownership) {}
            return try await handoff.next()
        }
    }

    /// Starts the server, hands the stream to `body` once it listens, and stops the server
    /// (answering waiting deliveries 503 and closing the port) when `body` returns or throws.
    ///
    /// ``port`` tells the bound port inside `body`.
    ///
    /// - Throws: ``HTTPReceiverError`` with ``HTTPReceiverError/Code/listenFailed`` before
    ///   calling `body` when the server cannot listen, or what `body` throws.
    nonisolated(nonsending) public func withEvents<Result>(
        _ body: (AsyncThrowingStream<MonitorBatch, any Error>) async throws -> Result
    ) async throws -> Result {
        let stream = self.events()
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask { try await self.run() }
            let result: Swift.Result<Result, any Error>
            do {
                try await self.waitUntilListening()
                result = .success(try await body(stream))
            } catch {
                result = .failure(error)
            }
            self.close()
            do {
                try await group.waitForAll()
            } catch {
                // The body's own failure says more than the server's.
                _ = try result.get()
                throw error
            }
            return try result.get()
        }
    }

    /// Stops the receiver: waiting deliveries are answered 503, the stream ends, later
    /// deliveries are refused, and ``run()`` returns once the server has closed.
    public func close() {
        self.handoff.finish(nil)
    }

    /// Serves deliveries until graceful shutdown, cancellation of its task, ``close()``, or
    /// the consumer going away. Call it once.
    ///
    /// - Throws: ``HTTPReceiverError``: ``HTTPReceiverError/Code/alreadyRun`` on a second call,
    ///   ``HTTPReceiverError/Code/listenFailed`` when it cannot listen,
    ///   ``HTTPReceiverError/Code/serverFailed`` when the server fails later.
    public func run() async throws {
        guard !self.hasRun.exchange(true, ordering: .relaxed) else {
            throw HTTPReceiverError(.alreadyRun, "run() was already called on this receiver")
        }
        let handoff = self.handoff
        let listening = self.listening
        guard !handoff.isFinished else {
            listening.fail(HTTPReceiverError(.listenFailed, "the receiver was closed before it ran"))
            return
        }
        let group: ServiceGroup
        do {
            group = try self.makeServer()
        } catch {
            let failure = HTTPReceiverError(.listenFailed, "invalid TLS settings: \(error)")
            listening.fail(failure)
            handoff.finish(failure)
            throw failure
        }
        do {
            try await withTaskCancellationHandler {
                try await withGracefulShutdownHandler {
                    try await withThrowingDiscardingTaskGroup { tasks in
                        tasks.addTask {
                            do {
                                try await group.run()
                            } catch {
                                handoff.finish(self.failure(error))
                                throw error
                            }
                            handoff.finish(nil)
                        }
                        tasks.addTask {
                            await handoff.waitUntilFinished()
                            await group.triggerGracefulShutdown()
                        }
                    }
                } onGracefulShutdown: {
                    handoff.finish(nil)
                }
            } onCancel: {
                handoff.finish(nil)
            }
        } catch {
            let failure = self.failure(error)
            listening.fail(failure)
            handoff.finish(failure)
            if Task.isCancelled, error is CancellationError { return }
            throw failure
        }
        listening.fail(HTTPReceiverError(.listenFailed, "the receiver stopped before it listened"))
    }

    private func failure(_ error: any Error) -> HTTPReceiverError {
        if let error = error as? HTTPReceiverError { return error }
        let address = "\(self.configuration.host):\(self.configuration.port)"
        if self.listening.port == nil {
            return HTTPReceiverError(.listenFailed, "could not listen on \(address): \(error)")
        }
        return HTTPReceiverError(.serverFailed, "the server on \(address) failed: \(error)")
    }

    /// The Hummingbird application in a service group of its own, so that it can be stopped
    /// gracefully when the consumer goes away.
    private func makeServer() throws -> ServiceGroup {
        let configuration = self.configuration
        // Hummingbird reports a stop by cancellation, the documented way to end a receiver, as
        // an error; the receiver throws the failures that matter from run() itself.
        var serverLogger = self.logger
        serverLogger.logLevel = .critical
        let responder = DeliveryResponder(
            authorization: BasicAuthorization(token: configuration.token, headerSecret: configuration.headerSecret),
            handoff: self.handoff,
            reads: CappedCounter(maximum: configuration.maximumConcurrentReads),
            maximumBodySize: configuration.maximumBodySize,
            limits: configuration.limits,
            handoffTimeout: configuration.handoffTimeout,
            logger: self.logger
        )
        let router = Router()
        let path = RouterPath(configuration.path)
        router.put(path) { request, _ in await responder.respond(to: request) }
        router.post(path) { request, _ in await responder.respond(to: request) }
        let listening = self.listening
        let app = Application(
            router: router,
            server: try self.makeServerBuilder(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in listening.succeed(port: channel.localAddress?.port ?? 0) },
            logger: serverLogger
        )
        return ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: serverLogger))
    }

    /// HTTP/1.1 (over TLS when configured) with the receiver's connection cap and timeouts.
    ///
    /// - Throws: the NIOSSL error when the TLS settings are invalid.
    private func makeServerBuilder() throws -> HTTPServerBuilder {
        let configuration = self.configuration
        let logger = self.logger
        let tls = try configuration.tls.map { settings in
            GuardedHTTPChannel.TLS(
                context: try NIOSSLContext(configuration: settings),
                handshakeTimeout: TimeAmount(configuration.tlsHandshakeTimeout)
            )
        }
        let readTimeout = TimeAmount(configuration.requestReadTimeout)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestReadGuard(readTimeout: readTimeout, logger: logger)],
            idleTimeout: TimeAmount(configuration.idleTimeout)
        )
        let connections = CappedCounter(maximum: configuration.maximumConnections)
        return HTTPServerBuilder { responder in
            GuardedHTTPChannel(
                base: HTTP1Channel(responder: responder, configuration: http1),
                connections: connections,
                tls: tls,
                logger: logger
            )
        }
    }
}
