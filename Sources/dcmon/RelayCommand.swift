import ArgumentParser
import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudPostgres
import DeviceCloudRelay
import DeviceCloudSQLite
import Foundation
import Logging
import Metrics
import NIOSSL
import Prometheus
import ServiceLifecycle

/// `dcmon relay ID…`: store monitors' events in a database, acknowledging each block only after
/// the transaction that holds it has committed.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Store TCP (and HTTP) monitors' events in SQLite or PostgreSQL, acknowledging each block after its commit.",
        discussion: """
            Events go to the monitor_events table, one row per event, each stored once however often \
            the service delivers it. A block is acknowledged only after the transaction holding it \
            committed, so a crash or kill loses nothing: the service replays what was not acknowledged. \
            SIGINT or SIGTERM stop pulling, commit and acknowledge what is in flight, and exit 0. \
            The database password comes from DC_RELAY_DB_PASSWORD or the URL and is never printed.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The TCP monitors' ids.")
    var ids: [UInt32] = []

    @Option(help: "Where to store events: sqlite:PATH or postgres://USER@HOST:PORT/DB.")
    var to = "sqlite:dcmon-events.sqlite"

    @Option(help: "Also receive an HTTP monitor's deliveries on this port of 127.0.0.1 (token from DC_RECEIVER_TOKEN).")
    var receiveHTTP: Int?

    @Option(help: "The monitor id stored with HTTP deliveries (an HTTP delivery does not say).")
    var receiveHTTPMonitorID: UInt32 = 0

    @Option(help: "Seconds between ownership checks when relays share monitors through PostgreSQL.")
    var rebalanceInterval: Double = 5

    @Option(help: "Seconds a lease statement may go unanswered before this relay takes its PostgreSQL lease connection for dead and stops every monitor it owns.")
    var leaseTimeout: Double = 10

    @Option(help: "Seconds between status lines when standard error is not a terminal.")
    var statusInterval: Double = 10

    @Option(help: "Most events in one transaction.")
    var commitEvents = 20_000

    @Option(help: "SQLite durability: full (survives power loss) or normal (survives a relay crash).")
    var synchronous: SynchronousOption = .full

    @Option(help: "Serve /metrics (Prometheus) and /health on this port of 127.0.0.1 (0 picks one, printed on standard error).")
    var metricsPort: Int?

    @Flag(help: "Print no status lines.")
    var quiet = false

    @Flag(help: "Relay monitors whose monAckOption is off (their blocks are lost if the relay crashes before committing).")
    var allowUnacknowledged = false

    enum SynchronousOption: String, ExpressibleByArgument, CaseIterable {
        case full, normal
    }

    func validate() throws {
        if self.ids.isEmpty, self.receiveHTTP == nil {
            throw ValidationError("name at least one monitor id, or --receive-http PORT")
        }
        if self.rebalanceInterval <= 0 { throw ValidationError("--rebalance-interval must be positive") }
        if !(self.leaseTimeout > 0) || !self.leaseTimeout.isFinite { throw ValidationError("--lease-timeout must be a positive number of seconds") }
        if self.statusInterval <= 0 { throw ValidationError("--status-interval must be positive") }
        if self.commitEvents <= 0 { throw ValidationError("--commit-events must be positive") }
    }

    func run() async throws {
        try await reportingFailures {
            var logger = Logger(label: "devicecloud.relay")
            logger.logLevel = .notice
            // Before any metric is made: sessions, sinks and the relay create theirs when built.
            let registry = self.metricsPort == nil ? nil : RelayMetricsServer.bootstrap()
            let destination = try RelayDestination(parsing: self.to)
            // Open the database before connecting anywhere: a database error acknowledges nothing.
            let sink = try self.openSink(destination, logger: logger)
            if self.ids.isEmpty {
                try await self.relay(sink: sink, destination: destination, sessions: [:], registry: registry, logger: logger)
                return
            }
            try await self.connection.withCloud { cloud in
                let credentials = try self.connection.pushCredentials()
                var sessions: [UInt32: PushSession.Configuration] = [:]
                for id in self.ids {
                    let record = try await cloud.monitors.record(id: id)
                    switch try RelayMonitorPolicy.check(monitor: id, record.definition, allowUnacknowledged: self.allowUnacknowledged) {
                    case .safe: break
                    case .warning(let warning): note("warning: \(warning)")
                    }
                    sessions[id] = PushSession.Configuration(
                        host: cloud.pushHost,
                        port: cloud.configuration.pushPort,
                        transport: cloud.configuration.pushTransport,
                        credentials: credentials,
                        monitorID: id,
                        acknowledgement: AcknowledgementMode(record.definition.acknowledgement),
                        reconnect: cloud.configuration.pushReconnect
                    )
                }
                try await self.relay(sink: sink, destination: destination, sessions: sessions, registry: registry, logger: logger)
            }
        }
    }

    /// Opens the sink: SQLite at once (so a bad file fails before anything is pulled); PostgreSQL
    /// connects when its pool runs.
    private func openSink(_ destination: RelayDestination, logger: Logger) throws -> any MonitorSink {
        switch destination {
        case .sqlite(let path):
            let synchronous: SQLiteEventSink.Configuration.Synchronous = self.synchronous == .full ? .full : .normal
            return try SQLiteEventSink(path: path, configuration: .init(synchronous: synchronous))
        case .postgres(let target):
            return PostgresEventSink(configuration: Self.postgresConfiguration(target), logger: logger)
        }
    }

    private static func postgresConfiguration(_ target: RelayDestination.PostgresTarget) -> PostgresEventSink.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let roots = target.rootCertificates { tls.trustRoots = .file(roots) }
        return PostgresEventSink.Configuration(
            host: target.host,
            port: target.port,
            username: target.username,
            password: target.password,
            database: target.database,
            tls: target.tls ? .require(tls) : .disable
        )
    }

    private func relay(
        sink: any MonitorSink,
        destination: RelayDestination,
        sessions: [UInt32: PushSession.Configuration],
        registry: PrometheusCollectorRegistry?,
        logger: Logger
    ) async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var receiver: HTTPReceiver?
        var httpSource: MonitorRelay.Source?
        if let port = self.receiveHTTP {
            guard let token = ProcessInfo.processInfo.environment["DC_RECEIVER_TOKEN"].flatMap(Self.credentials) else {
                throw CommandFailure("--receive-http needs the monitor's token as user:pass in DC_RECEIVER_TOKEN")
            }
            let http = HTTPReceiver(
                configuration: try .init(port: port, token: token, acknowledgement: .explicit, monitorID: self.receiveHTTPMonitorID),
                logger: logger
            )
            receiver = http
            httpSource = MonitorRelay.Source(name: "HTTP receiver", batches: http.events(), stop: { http.close() })
            services.append(.init(service: http))
        }
        let relay: MonitorRelay
        var leases: PostgresMonitorLeases?
        if case .postgres(let target) = destination, let postgres = sink as? PostgresEventSink {
            // Several relays share the monitors: each owns those whose advisory lock it holds.
            services.insert(.init(service: postgres), at: 0)
            relay = MonitorRelay(sink: sink, configuration: .init(maximumEventsPerCommit: self.commitEvents), logger: logger)
            let shared = PostgresMonitorLeases(
                configuration: try .init(
                    monitors: Array(sessions.keys),
                    rebalanceInterval: .milliseconds(Int(self.rebalanceInterval * 1000)),
                    leaseTimeout: .milliseconds(Int(self.leaseTimeout * 1000)),
                    database: Self.postgresConfiguration(target)
                ),
                relay: relay,
                makeSource: { id in
                    guard let configuration = sessions[id] else {
                        return MonitorRelay.Source(name: "monitor \(id)", batches: AsyncThrowingStream<MonitorBatch, any Error> { nil })
                    }
                    return .session(PushSession(configuration: configuration, logger: logger))
                },
                logger: logger
            )
            leases = shared
            if let httpSource { relay.attach(httpSource, id: UInt32.max) }
            services.append(.init(service: relay))
            // Last: on shutdown the leases hand every monitor back (commit, acknowledge) first.
            services.append(.init(service: shared))
        } else {
            var sources = sessions.keys.sorted().compactMap { id in
                sessions[id].map { MonitorRelay.Source.session(PushSession(configuration: $0, logger: logger)) }
            }
            if let httpSource { sources.append(httpSource) }
            relay = MonitorRelay(
                sink: sink, sources: sources, configuration: .init(maximumEventsPerCommit: self.commitEvents), logger: logger)
            // Shut down in reverse order: the relay commits and acknowledges before the receiver stops.
            services.append(.init(service: relay, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let registry, let port = self.metricsPort {
            let owned = Gauge(label: "devicecloud.relay.monitors_owned")
            let ownership = leases
            let count = sessions.count
            let server = RelayMetricsServer.application(
                port: port,
                registry: registry,
                health: { relay.health },
                beforeScrape: { owned.record(ownership?.ownedMonitors.count ?? count) },
                onListening: { note("metrics http://127.0.0.1:\($0)/metrics") },
                logger: logger
            )
            // First: it stops last, so it reports until the relay has committed.
            services.insert(.init(service: server), at: 0)
        }
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = .seconds(4)
        configuration.maximumCancellationDuration = .milliseconds(500)
        let group = ServiceGroup(configuration: configuration)
        let statusInterval = Duration.milliseconds(Int(self.statusInterval * 1000))
        let quiet = self.quiet
        let http = receiver == nil ? 0 : 1
        let ownership = leases
        let monitorCount: @Sendable () -> Int = { (ownership?.ownedMonitors.count ?? sessions.count) + http }
        note("relaying \(sessions.count + http) monitor\(sessions.count + http == 1 ? "" : "s") to \(destination)")
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            if let receiver {
                let port = try await receiver.waitUntilListening()
                note("listening http://127.0.0.1:\(port)/push")
            }
            if !quiet {
                tasks.addTask {
                    var status = RelayStatusLine(interval: statusInterval)
                    while true {
                        try await Task.sleep(for: status.interval)
                        let line = status.line(relay.statistics, monitors: monitorCount())
                        status.write(line)
                    }
                }
            }
            defer { tasks.cancelAll() }
            try await tasks.next()
        }
        let statistics = relay.statistics
        if !quiet {
            note("relay stopped: stored \(statistics.eventsStored), duplicates skipped \(statistics.duplicatesSkipped), "
                + "\(statistics.batchesAcknowledged) blocks acknowledged")
        }
    }

    private static func credentials(_ text: String) -> Credentials? {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        return Credentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }
}
