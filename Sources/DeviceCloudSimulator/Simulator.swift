public import DeviceCloudProtocol
import DeviceCloudServerSupport
import Hummingbird
public import Logging
public import NIOCore
public import NIOPosix
public import NIOSSL
public import ServiceLifecycle
import Synchronization

/// A local stand-in for Remote Manager: the `/ws/Monitor` web service and DataPoint ingestion
/// over HTTP, the push service (plain TCP, and TLS when configured), and delivery to HTTP
/// monitors, sharing one ``MonitorStore``.
///
/// ```swift
/// let simulator = try await Simulator.bind(configuration: .init(username: "me", password: "secret"))
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await simulator.run() }
///     try await simulator.waitUntilListening()
///     // REST on http://127.0.0.1:\(simulator.httpPort)/ws/Monitor, push on simulator.pushPort
/// }
/// ```
/// Monitors created over REST are the ones its push servers accept. DataPoints written with
/// `POST /ws/DataPoint` (or events raised with ``MonitorStore/raise(_:)``) reach every monitor
/// whose topics match, batched, encoded and compressed per monitor; TCP monitors get them on
/// their push connection, HTTP monitors at their URL (see ``HTTPDeliveryPolicy``). Everything
/// listens on 127.0.0.1 by default, on ports the system picks.
public final class Simulator: Service, Sendable {
    /// The account, addresses and behaviour of a simulator.
    public struct Configuration: Sendable {
        /// The account's user name, for REST and push.
        public var username: String
        /// The account's password. Never logged.
        public var password: String
        /// The account's customer id (`cstId`).
        public var customerID: Int
        /// The id of the first monitor created.
        public var firstMonitorID: UInt32
        /// The address to listen on; loopback by default.
        public var host: String
        /// The HTTP port; 0 picks a free one.
        public var httpPort: Int
        /// The plain push port; 0 picks a free one.
        public var pushPort: Int
        /// TLS settings for a second push server, or `nil` for none.
        public var pushTLS: TLSConfiguration?
        /// The TLS push port; 0 picks a free one.
        public var tlsPushPort: Int
        /// The largest page a list answers, whatever `size` asks for.
        public var maximumPageSize: Int
        /// Whether requests are answered with 429 from the start (see ``Simulator/throttling``).
        public var throttling: SimulatorThrottling.Mode
        /// Caps for frames received from push clients.
        public var pushLimits: PushLimits
        /// Bounds on the blocks each monitor keeps for delivery and replay.
        public var deliveryLimits: MonitorDeliveryLimits
        /// Retries and the failure window (24 h by default) of deliveries to HTTP monitors.
        public var httpDelivery: HTTPDeliveryPolicy
        /// The largest DataPoint write body accepted.
        public var maximumIngestBodySize: Int
        /// An API key accepted for the web services beside basic authentication; none by default.
        public var apiKey: APIKey?
        /// How many events (and bytes) each persistent monitor saves for the history API.
        public var history: MonitorHistoryLimits

        // Written out: Swift synthesises no public memberwise initialiser.
        /// Creates a configuration.
        public init(
            username: String,
            password: String,
            customerID: Int = 7603,
            firstMonitorID: UInt32 = 1,
            host: String = "127.0.0.1",
            httpPort: Int = 0,
            pushPort: Int = 0,
            pushTLS: TLSConfiguration? = nil,
            tlsPushPort: Int = 0,
            maximumPageSize: Int = 1000,
            throttling: SimulatorThrottling.Mode = .off,
            pushLimits: PushLimits = .default,
            deliveryLimits: MonitorDeliveryLimits = .default,
            httpDelivery: HTTPDeliveryPolicy = .default,
            maximumIngestBodySize: Int = 4 * 1024 * 1024,
            apiKey: APIKey? = nil,
            history: MonitorHistoryLimits = .default
        ) {
            self.username = username
            self.password = password
            self.customerID = customerID
            self.firstMonitorID = firstMonitorID
            self.host = host
            self.httpPort = httpPort
            self.pushPort = pushPort
            self.pushTLS = pushTLS
            self.tlsPushPort = tlsPushPort
            self.maximumPageSize = maximumPageSize
            self.throttling = throttling
            self.pushLimits = pushLimits
            self.deliveryLimits = deliveryLimits
            self.httpDelivery = httpDelivery
            self.maximumIngestBodySize = maximumIngestBodySize
            self.apiKey = apiKey
            self.history = history
        }
    }

    /// The settings the simulator was bound with.
    public let configuration: Configuration
    /// The monitors, shared by REST and push.
    public let store: MonitorStore
    /// The opt-in 429 answers.
    public let throttling: SimulatorThrottling
    /// The plain-TCP push server.
    public let pushServer: PushServer
    /// The TLS push server, when configured.
    public let tlsPushServer: PushServer?

    private let listening = ListeningSignal()
    private let requests = Atomic<Int>(0)
    private let lifecycle = Mutex(SimulatorLifecycle.idle)
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    private init(
        configuration: Configuration,
        store: MonitorStore,
        pushServer: PushServer,
        tlsPushServer: PushServer?,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.throttling = SimulatorThrottling(configuration.throttling)
        self.pushServer = pushServer
        self.tlsPushServer = tlsPushServer
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Creates the store and binds the push servers; the HTTP server starts with ``run()``.
    public static func bind(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "devicecloud.simulator")
    ) async throws -> Simulator {
        let store = MonitorStore(
            username: configuration.username,
            password: configuration.password,
            customerID: configuration.customerID,
            firstMonitorID: configuration.firstMonitorID,
            deliveryLimits: configuration.deliveryLimits,
            historyLimits: configuration.history
        )
        let pushServer = try await PushServer.bind(
            configuration: .init(host: configuration.host, port: configuration.pushPort, limits: configuration.pushLimits),
            delegate: store,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
        var tlsPushServer: PushServer?
        if let tls = configuration.pushTLS {
            do {
                tlsPushServer = try await PushServer.bind(
                    configuration: .init(
                        host: configuration.host,
                        port: configuration.tlsPushPort,
                        tls: tls,
                        limits: configuration.pushLimits
                    ),
                    delegate: store,
                    eventLoopGroup: eventLoopGroup,
                    logger: logger
                )
            } catch {
                pushServer.shutDown()
                throw error
            }
        }
        return Simulator(
            configuration: configuration,
            store: store,
            pushServer: pushServer,
            tlsPushServer: tlsPushServer,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
    }

    /// The plain push port.
    public var pushPort: Int { self.pushServer.port }
    /// The TLS push port, when configured.
    public var tlsPushPort: Int? { self.tlsPushServer?.port }
    /// How many HTTP requests the simulator has received (throttled and refused ones included).
    public var requestCount: Int { self.requests.load(ordering: .relaxed) }

    /// The HTTP port: 0 until the HTTP server listens (``waitUntilListening()`` awaits that).
    public var httpPort: Int { self.listening.port ?? 0 }

    /// Waits until the HTTP server listens and returns its port.
    ///
    /// - Throws: the error ``run()`` failed with, or `CancellationError`.
    @discardableResult
    public func waitUntilListening() async throws -> Int {
        try await self.listening.wait()
    }

    /// Serves REST, ingestion and push, and delivers to HTTP monitors, until ``shutDown()``, a
    /// graceful shutdown of the service group it runs in, or cancellation of its task. Call it
    /// once.
    public func run() async throws {
        var httpLogger = self.logger
        httpLogger.logLevel = max(self.logger.logLevel, .notice)
        let router = Router()
        router.add(middleware: RequestCountingMiddleware(count: { self.requests.add(1, ordering: .relaxed) }))
        router.add(middleware: ThrottlingMiddleware(throttling: self.throttling))
        router.add(middleware: BasicAuthenticationMiddleware(store: self.store, apiKey: self.configuration.apiKey))
        MonitorRoutes(store: self.store, maximumPageSize: self.configuration.maximumPageSize).register(on: router)
        DataPointRoutes(store: self.store, maximumBodySize: self.configuration.maximumIngestBodySize).register(on: router)
        InventoryRoutes(store: self.store, maximumPageSize: self.configuration.maximumPageSize).register(on: router)
        let listening = self.listening
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(self.configuration.host, port: self.configuration.httpPort),
                serverName: "devicecloud-simulator"
            ),
            onServerRunning: { channel in listening.succeed(port: channel.localAddress?.port ?? 0) },
            logger: httpLogger
        )
        let pushServers = [self.pushServer] + (self.tlsPushServer.map { [$0] } ?? [])
        let httpDelivery = HTTPDeliveryService(
            store: self.store,
            policy: self.configuration.httpDelivery,
            eventLoopGroup: self.eventLoopGroup,
            logger: self.logger
        )
        // Shut down in reverse order: HTTP delivery first, then the HTTP server, then the push servers.
        let services = pushServers.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
            + [ServiceGroupConfiguration.ServiceConfiguration(service: app)]
            + [ServiceGroupConfiguration.ServiceConfiguration(service: httpDelivery)]
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: httpLogger))
        guard self.lifecycle.withLock({ state in
            guard case .idle = state else { return false }
            state = .running(group)
            return true
        }) else {
            let error = SimulatorError(.alreadyRun, "the simulator runs once: run() was called again, or after shutDown()")
            listening.fail(error)
            throw error
        }
        defer { self.lifecycle.withLock { $0 = .stopped } }
        do {
            try await withTaskCancellationHandler {
                try await group.run()
            } onCancel: {
                for server in pushServers { server.shutDown() }
            }
        } catch {
            listening.fail(error)
            throw error
        }
        listening.fail(CancellationError())
    }

    /// Stops serving gracefully: the HTTP server finishes the requests in flight and closes its
    /// connections, then the push servers close theirs; ``run()`` then returns. Before ``run()``
    /// it closes the bound push servers and makes a later ``run()`` fail.
    public func shutDown() async {
        let group: ServiceGroup? = self.lifecycle.withLock { state in
            switch state {
            case .idle:
                state = .stopped
                return nil
            case .running(let group):
                return group
            case .stopped:
                return nil
            }
        }
        if let group {
            await group.triggerGracefulShutdown()
        } else {
            self.pushServer.shutDown()
            self.tlsPushServer?.shutDown()
            self.listening.fail(CancellationError())
        }
    }
}

/// Where a simulator is in its life.
enum SimulatorLifecycle {
    case idle
    case running(ServiceGroup)
    case stopped
}
