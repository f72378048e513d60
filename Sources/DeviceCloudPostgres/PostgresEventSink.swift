public import DeviceCloud
public import DeviceCloudRelay
public import Logging
import Foundation
import NIOCore
public import NIOSSL
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Stores relayed events in PostgreSQL, in the `monitor_events` table, through a connection pool.
///
/// The sink is a `Service`: run it (in the same `ServiceGroup` as the relay, before it) so its
/// pool can open connections. A transaction is one `INSERT … SELECT FROM unnest(…) ON CONFLICT
/// (monitor_id, event_key) DO NOTHING`; PostgreSQL's commit is durable (with the server's
/// default `synchronous_commit=on`) before ``write(_:)`` returns.
///
/// When the database restarts, writes fail until it is back; the relay retries them without
/// acknowledging anything and the pool reconnects by itself, so nothing is lost.
public final class PostgresEventSink: MonitorSink, Service {
    /// Where the database is and how to reach it.
    public struct Configuration: Sendable {
        /// TLS to the database.
        public enum TLSMode: Sendable {
            /// Plain TCP.
            case disable
            /// TLS required, with these settings (trust roots, certificate checks).
            case require(TLSConfiguration)
        }

        /// The server's host name or address.
        public var host: String
        /// The server's port.
        public var port: Int
        /// The database user.
        public var username: String
        /// The user's password; never logged or printed.
        public var password: String?
        /// The database name.
        public var database: String
        /// TLS to the server.
        public var tls: TLSMode
        /// Most connections the pool opens.
        public var maximumConnections: Int
        /// How long a write waits for a connection before it fails with the reason the server
        /// could not be reached (refused, TLS verification, authentication, …). The relay retries
        /// a failed write, so this only bounds how long a problem goes unreported.
        public var connectionTimeout: Duration
        /// How long a transaction's statement may run once it has a connection. Past it the
        /// connection is closed (the pool opens another) and the write fails, to be retried: a
        /// statement on a connection that went away without a word would otherwise never end.
        public var statementTimeout: Duration

        /// Creates a configuration.
        public init(
            host: String,
            port: Int = 5432,
            username: String,
            password: String? = nil,
            database: String,
            tls: TLSMode = .disable,
            maximumConnections: Int = 4,
            connectionTimeout: Duration = .seconds(10),
            statementTimeout: Duration = .seconds(60)
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
            self.maximumConnections = maximumConnections
            self.connectionTimeout = connectionTimeout
            self.statementTimeout = statementTimeout
        }

        /// `user@host:port/database`, for messages (no password).
        public var displayName: String { "\(self.username)@\(self.host):\(self.port)/\(self.database)" }

        var client: PostgresClient.Configuration {
            let tls: PostgresClient.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .require(let configuration): tls = .require(configuration)
            }
            var client = PostgresClient.Configuration(
                host: self.host, port: self.port, username: self.username, password: self.password,
                database: self.database, tls: tls
            )
            client.options.maximumConnections = self.maximumConnections
            client.options.connectTimeout = .seconds(5)
            return client
        }

        /// The settings of one connection outside the pool (the leases', a diagnosis).
        func connection() throws -> PostgresConnection.Configuration {
            let tls: PostgresConnection.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .require(let configuration): tls = .require(try NIOSSLContext(configuration: configuration))
            }
            var connection = PostgresConnection.Configuration(
                host: self.host, port: self.port, username: self.username, password: self.password, database: self.database, tls: tls
            )
            connection.options.connectTimeout = .seconds(5)
            return connection
        }
    }

    /// The settings the sink was made with.
    public let configuration: Configuration
    let client: PostgresClient
    private let logger: Logger
    private let schemaReady = Mutex(false)
    /// Set once ``run()`` has returned: the pool no longer serves connections, and a lease asked
    /// for now would wait forever.
    private let stopped = Mutex(false)

    /// Creates a sink; nothing connects until ``run()`` runs and the first write or
    /// ``prepareSchema()``.
    public init(configuration: Configuration, logger: Logger = Logger(label: "devicecloud.relay.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
    }

    /// Runs the connection pool until cancelled or shut down.
    public func run() async throws {
        defer { self.stopped.withLock { $0 = true } }
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    /// Throws when the pool has stopped, instead of waiting for a connection that will never come.
    private func checkRunning() throws(PostgresSinkError) {
        if self.stopped.withLock({ $0 }) {
            throw PostgresSinkError(.connectionFailed, "\(self.configuration.displayName): the sink has stopped")
        }
    }

    /// Creates or checks the schema (also done before the first write).
    ///
    /// - Throws: ``PostgresSinkError``.
    public func prepareSchema() async throws {
        if self.schemaReady.withLock({ $0 }) { return }
        try self.checkRunning()
        do {
            try await self.withConnection { connection in
                try await PostgresRelaySchema.prepare(connection, logger: self.logger)
            }
        } catch {
            throw self.sinkError(error)
        }
        self.schemaReady.withLock { $0 = true }
    }

    /// Stores the events of `batches` in one transaction; returns once PostgreSQL committed it.
    ///
    /// - Throws: ``PostgresSinkError``; the transaction is then rolled back.
    public func write(_ batches: [MonitorBatch]) async throws -> MonitorSinkReceipt {
        let rows = StoredEvent.rows(of: batches)
        if rows.isEmpty { return MonitorSinkReceipt(inserted: 0, duplicates: 0) }
        try await self.prepareSchema()
        var binds = PostgresBindings(capacity: 10)
        binds.append(rows.map { Int64($0.monitorID) })
        binds.append(rows.map { Int32($0.blockID) })
        binds.append(rows.map(\.topic))
        binds.append(rows.map(\.operation))
        binds.append(rows.map { $0.eventTime ?? "" })
        binds.append(rows.map { $0.eventGroup ?? "" })
        binds.append(rows.map(\.resourceType))
        binds.append(rows.map(\.format))
        binds.append(rows.map(\.body))
        binds.append(rows.map { ByteBuffer(bytes: $0.eventKey) })
        let query = PostgresQuery(unsafeSQL: PostgresRelaySchema.insert, binds: binds)
        try self.checkRunning()
        do {
            // A single statement is its own transaction: it commits before the answer arrives.
            let inserted = try await self.withConnection { connection in
                try await connection.statement(query, returning: Int.self, logger: self.logger).last ?? 0
            }
            return MonitorSinkReceipt(inserted: inserted, duplicates: rows.count - inserted)
        } catch {
            throw self.sinkError(error)
        }
    }

    /// A pooled connection for `body`, waiting at most ``Configuration/connectionTimeout`` for
    /// it and then ``Configuration/statementTimeout`` for `body`. Past the first, throws with the
    /// reason a fresh connection attempt gives (the pool only logs it); past the second, closes
    /// the connection and throws. Never waits for a statement once its time is up.
    private func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let configuration = self.configuration
        let leased = LeasedConnection()
        let outcome = try await AbandoningDeadline.run(
            until: {
                try await Task.sleep(for: configuration.connectionTimeout)
                if leased.connection != nil { try await Task.sleep(for: configuration.statementTimeout) }
            },
            {
                try await self.client.withConnection { connection in
                    leased.set(connection)
                    return try await body(connection)
                }
            }
        )
        if let outcome { return outcome }
        if let connection = leased.connection {
            let _: EventLoopFuture<Void> = connection.close()
            throw PostgresSinkError(
                .connectionFailed,
                "\(configuration.displayName): a statement did not complete within \(configuration.statementTimeout); its connection was closed"
            )
        }
        throw PostgresSinkError(
            .connectionFailed,
            "\(configuration.displayName): no connection within \(configuration.connectionTimeout): \(await self.diagnose())"
        )
    }

    /// Why a connection cannot be made now, from one attempt outside the pool.
    private func diagnose() async -> String {
        do {
            let connection = try await PostgresConnection.connect(configuration: try self.configuration.connection(), id: 0, logger: self.logger)
            try? await connection.close()
            return "the server is reachable now, but the pool had no free connection"
        } catch {
            return Self.describe(error)
        }
    }

    /// A one-line description of a connection or server error, without credentials.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }

    func sinkError(_ error: any Error) -> PostgresSinkError {
        if let error = error as? PostgresSinkError { return error }
        let target = self.configuration.displayName
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return PostgresSinkError(.writeFailed, "\(target): \(message)\(state)")
            }
            return PostgresSinkError(.connectionFailed, "\(target): \(error.code)")
        }
        return PostgresSinkError(.connectionFailed, "\(target): \(String(describing: type(of: error)))")
    }
}

/// The connection the pool handed out, once it has.
private final class LeasedConnection: Sendable {
    private let state = Mutex<PostgresConnection?>(nil)

    func set(_ connection: PostgresConnection) { self.state.withLock { $0 = connection } }

    var connection: PostgresConnection? { self.state.withLock { $0 } }
}
