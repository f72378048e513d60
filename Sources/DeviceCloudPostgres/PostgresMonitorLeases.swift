public import DeviceCloudProtocol
public import DeviceCloudRelay
public import Foundation
public import Logging
import NIOCore
import NIOSSL
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Shares a set of monitors between relays through PostgreSQL, with no coordinator of its own.
///
/// A monitor is owned by the relay whose lease connection holds the PostgreSQL advisory lock for
/// it (so `pg_locks` shows who owns what, and a dead worker's monitors are freed the moment its
/// connection drops). Every ``Configuration/rebalanceInterval`` each worker heartbeats into
/// `relay_workers`, counts the live workers (a fresh heartbeat from a connection that still
/// exists), and moves towards its fair share `ceil(monitors / live workers)`: it claims free
/// monitors up to it and hands back those above it (`MonitorRelay/detach(_:)`: stop, commit
/// and acknowledge what is in flight, then unlock).
///
/// Fencing: when the lease connection is lost, every owned monitor's session is stopped at once,
/// before the locks can be taken by anyone else; the worker then reconnects and starts over with
/// nothing. Cancelling ``run()`` behaves like a crash (sessions stopped, locks dropped with the
/// connection); graceful shutdown hands every monitor back first.
public final class PostgresMonitorLeases: Service {
    /// What to share and how often to look.
    public struct Configuration: Sendable {
        /// The monitors every worker is given.
        public var monitors: [UInt32]
        /// This worker's name in `relay_workers` (unique per worker).
        public var workerID: String
        /// How often to heartbeat and rebalance.
        public var rebalanceInterval: Duration
        /// The database holding the leases (usually the sink's).
        public var database: PostgresEventSink.Configuration
        /// How long one lease statement may go unanswered before the worker takes its lease
        /// connection for dead: it then closes it and fences (stops every owned session).
        ///
        /// A connection that silently stops answering (a network partition, a frozen server)
        /// never fails by itself, and the server keeps its locks meanwhile. The worker also asks
        /// the server to probe the connection (TCP keepalives: idle ``leaseTimeout`` × 2, then
        /// three probes 5 s apart), so the server frees the locks of a vanished worker only
        /// after that worker has fenced itself: no monitor is relayed by two workers at once.
        public var leaseTimeout: Duration

        // Written out: Swift synthesises no public memberwise initialiser.
        /// Creates a configuration.
        ///
        /// - Throws: `ConfigurationError` when `rebalanceInterval` or `leaseTimeout` is not
        ///   positive.
        public init(
            monitors: [UInt32],
            workerID: String = UUID().uuidString,
            rebalanceInterval: Duration = .seconds(5),
            leaseTimeout: Duration = .seconds(10),
            database: PostgresEventSink.Configuration
        ) throws(ConfigurationError) {
            guard rebalanceInterval > .zero else {
                throw ConfigurationError("the rebalance interval must be positive, not \(rebalanceInterval)")
            }
            guard leaseTimeout > .zero else {
                throw ConfigurationError("the lease timeout must be positive, not \(leaseTimeout)")
            }
            self.monitors = Array(Set(monitors)).sorted()
            self.workerID = workerID
            self.rebalanceInterval = rebalanceInterval
            self.leaseTimeout = leaseTimeout
            self.database = database
        }
    }

    /// The settings.
    public let configuration: Configuration
    private let relay: MonitorRelay
    private let makeSource: @Sendable (UInt32) -> MonitorRelay.Source
    private let logger: Logger
    private let owned = LeaseOwnership()

    /// Creates the coordinator for `relay`, which must have been made with no sources.
    ///
    /// - Parameters:
    ///   - configuration: the monitors, the worker's name, the interval, the database.
    ///   - relay: the relay the owned monitors' sources are attached to.
    ///   - makeSource: makes a fresh source (e.g. a new `PushSession`) for a monitor just claimed.
    ///   - logger: receives claims, hand-backs and lease losses.
    public init(
        configuration: Configuration,
        relay: MonitorRelay,
        makeSource: @escaping @Sendable (UInt32) -> MonitorRelay.Source,
        logger: Logger = Logger(label: "devicecloud.relay.leases")
    ) {
        self.configuration = configuration
        self.relay = relay
        self.makeSource = makeSource
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
    }

    /// The monitors this worker owns now.
    public var ownedMonitors: Set<UInt32> { self.owned.monitors }

    /// Waits until the owned monitors satisfy `condition`, and returns them.
    @discardableResult
    public func wait(until condition: @escaping @Sendable (Set<UInt32>) -> Bool) async throws -> Set<UInt32> {
        try await self.owned.wait(until: condition)
    }

    /// Holds leases until shutdown, reconnecting when the lease connection is lost.
    public func run() async throws {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await self.session()
                return
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                attempt += 1
                self.logger.warning("lease connection lost; every owned monitor was stopped", metadata: ["error": "\(self.describe(error))"])
                do {
                    try await Task.sleep(for: self.configuration.rebalanceInterval)
                } catch {
                    return
                }
            }
        }
    }

    /// One lease connection's life: rebalance until shutdown or until the connection fails.
    private func session() async throws {
        let connectionConfiguration = try self.configuration.database.connection()
        let logger = self.logger
        // Connecting includes the server's start-up answer, which no connect timeout bounds.
        let connected = try await AbandoningDeadline.run(within: self.configuration.leaseTimeout) {
            let connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 1, logger: logger)
            if Task.isCancelled {
                // Given up on meanwhile: this connection must not hold anything.
                try? await connection.close()
                throw CancellationError()
            }
            return connection
        }
        guard let connection = connected else {
            throw PostgresSinkError(.connectionFailed, "no lease connection within \(self.configuration.leaseTimeout)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Fencing: the moment the lease connection closes, stop every owned session.
                try? await connection.closeFuture.get()
                self.fence()
                throw PostgresSinkError(.connectionFailed, "the lease connection closed")
            }
            group.addTask {
                try await self.answered(on: connection) {
                    try await self.askServerToProbe(connection)
                    try await PostgresRelaySchema.prepare(connection, logger: self.logger)
                }
                try await self.rebalanceLoop(connection)
                // Graceful shutdown: hand every monitor back, then leave.
                try await self.handBackAll(connection)
            }
            do {
                try await group.next()
            } catch {
                self.fence()
                try? await connection.close()
                throw error
            }
            // Closing ends the watcher (whose error is then not wanted).
            try? await connection.close()
        }
    }

    /// Rebalances every interval until graceful shutdown (returns) or cancellation (throws).
    private func rebalanceLoop(_ connection: PostgresConnection) async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await self.rebalance(connection)
                    try await Task.sleep(for: self.configuration.rebalanceInterval)
                }
            }
        } catch is CancellationError where !Task.isCancelled {
            return
        }
    }

    /// Stops every owned monitor's session at once; the locks go with the connection.
    private func fence() {
        self.relay.closeAllAttached()
        self.owned.set([])
    }

    private func rebalance(_ connection: PostgresConnection) async throws {
        let configuration = self.configuration
        var owned = self.owned.monitors
        let ownedArray = owned.sorted().map { Int64($0) }
        let live = try await self.answered(on: connection) { try await self.heartbeat(connection, owned: ownedArray) }
        let total = configuration.monitors.count
        let share = (total + live - 1) / live

        // A session that ended by itself (e.g. the service closed it for good) is started again.
        let running = self.relay.attachedIDs
        for id in owned where !running.contains(id) {
            self.relay.attach(self.makeSource(id), id: id)
        }

        if owned.count > share {
            for id in owned.sorted().suffix(owned.count - share) {
                try await self.relay.detach(id)
                try await self.unlock(id, on: connection)
                owned.remove(id)
                self.owned.set(owned)
                self.logger.info("handed back a monitor", metadata: ["monitor": "\(id)", "share": "\(share)", "workers": "\(live)"])
            }
        } else if owned.count < share {
            // Start at a place of our own in the list, so workers starting together try different monitors.
            let monitors = configuration.monitors
            let offset = Int(UInt(bitPattern: configuration.workerID.hashValue) % UInt(max(1, monitors.count)))
            for index in 0..<monitors.count where owned.count < share {
                let id = monitors[(index + offset) % monitors.count]
                guard !owned.contains(id) else { continue }
                let claimed = try await self.answered(on: connection) {
                    try await connection.statement(
                        "SELECT pg_try_advisory_lock(\(Self.lockKey(id)))", returning: Bool.self, logger: self.logger
                    ).last ?? false
                }
                guard claimed else { continue }
                owned.insert(id)
                self.owned.set(owned)
                self.relay.attach(self.makeSource(id), id: id)
                self.logger.info("claimed a monitor", metadata: ["monitor": "\(id)", "share": "\(share)", "workers": "\(live)"])
            }
        }
    }

    /// Heartbeats into `relay_workers`, drops rows of workers gone for long, and returns the
    /// number of live workers (at least this one).
    private func heartbeat(_ connection: PostgresConnection, owned ownedArray: [Int64]) async throws -> Int {
        let configuration = self.configuration
        _ = try await connection.statement(
            """
            INSERT INTO relay_workers (worker_id, backend_pid, heartbeat_at, monitors)
            VALUES (\(configuration.workerID), pg_backend_pid(), now(), \(ownedArray))
            ON CONFLICT (worker_id) DO UPDATE
            SET backend_pid = EXCLUDED.backend_pid, heartbeat_at = EXCLUDED.heartbeat_at, monitors = EXCLUDED.monitors
            """,
            logger: self.logger
        )
        let staleAfter = Double(configuration.rebalanceInterval.components.seconds) * 3
            + Double(configuration.rebalanceInterval.components.attoseconds) * 3 / 1e18
        let counted = try await connection.statement(
            """
            SELECT COUNT(*) FROM relay_workers w
            WHERE w.heartbeat_at > now() - make_interval(secs => \(staleAfter))
              AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = w.backend_pid)
            """,
            returning: Int.self,
            logger: self.logger
        )
        let live = max(1, counted.last ?? 1)
        // Rows of workers gone for long (crashed, never handed back) are dropped.
        _ = try await connection.statement(
            "DELETE FROM relay_workers WHERE heartbeat_at < now() - make_interval(secs => \(staleAfter * 10))",
            logger: self.logger
        )
        return live
    }

    private func handBackAll(_ connection: PostgresConnection) async throws {
        for id in self.owned.monitors.sorted() {
            try await self.relay.detach(id)
            try await self.unlock(id, on: connection)
            self.owned.remove(id)
        }
        let workerID = self.configuration.workerID
        try await self.answered(on: connection) {
            _ = try await connection.statement("DELETE FROM relay_workers WHERE worker_id = \(workerID)", logger: self.logger)
        }
    }

    private func unlock(_ id: UInt32, on connection: PostgresConnection) async throws {
        try await self.answered(on: connection) {
            _ = try await connection.statement("SELECT pg_advisory_unlock(\(Self.lockKey(id)))", logger: self.logger)
        }
    }

    /// Runs `statements` on the lease connection; when they go unanswered for
    /// ``Configuration/leaseTimeout``, closes the connection (which fences the worker) and throws
    /// at once, without waiting for statements that may never end.
    @discardableResult
    private func answered<Result: Sendable>(
        on connection: PostgresConnection,
        _ statements: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let timeout = self.configuration.leaseTimeout
        if let result = try await AbandoningDeadline.run(within: timeout, statements) { return result }
        let _: EventLoopFuture<Void> = connection.close()
        throw PostgresSinkError(.connectionFailed, "the lease connection did not answer within \(timeout)")
    }

    /// Server-side TCP keepalives on the lease connection, so that the server frees a vanished
    /// worker's locks (idle `leaseTimeout` × 2, three probes 5 s apart) only after that worker
    /// has fenced itself.
    private func askServerToProbe(_ connection: PostgresConnection) async throws {
        let idle = max(1, Int((self.configuration.leaseTimeout * 2).components.seconds))
        _ = try await connection.statement("SELECT set_config('tcp_keepalives_idle', \(String(idle)), false)", logger: self.logger)
        _ = try await connection.statement("SELECT set_config('tcp_keepalives_interval', '5', false)", logger: self.logger)
        _ = try await connection.statement("SELECT set_config('tcp_keepalives_count', '3', false)", logger: self.logger)
    }

    /// The advisory lock key of a monitor: a fixed high half (so other users of advisory locks
    /// in the same database are not disturbed) and the monitor id.
    static func lockKey(_ id: UInt32) -> Int64 {
        0x4443_4D4F_0000_0000 | Int64(id)
    }

    private func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            return error.serverInfo?[.message] ?? "\(error.code)"
        }
        return "\(error)"
    }
}

/// The monitors a worker owns, observable and awaitable.
final class LeaseOwnership: Sendable {
    private struct State {
        var monitors: Set<UInt32> = []
        var waiters: [(Int, @Sendable (Set<UInt32>) -> Bool, CheckedContinuation<Set<UInt32>, any Error>)] = []
        var next = 0
    }

    private let state = Mutex(State())

    var monitors: Set<UInt32> { self.state.withLock { $0.monitors } }

    func set(_ monitors: Set<UInt32>) {
        let ready = self.state.withLock { state -> [CheckedContinuation<Set<UInt32>, any Error>] in
            state.monitors = monitors
            var ready: [CheckedContinuation<Set<UInt32>, any Error>] = []
            state.waiters.removeAll { waiter in
                guard waiter.1(monitors) else { return false }
                ready.append(waiter.2)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume(returning: monitors) }
    }

    func remove(_ id: UInt32) {
        var monitors = self.monitors
        monitors.remove(id)
        self.set(monitors)
    }

    func wait(until condition: @escaping @Sendable (Set<UInt32>) -> Bool) async throws -> Set<UInt32> {
        let id = self.state.withLock { state in
            state.next += 1
            return state.next
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = self.state.withLock { state -> Set<UInt32>? in
                    if condition(state.monitors) { return state.monitors }
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return nil
                    }
                    state.waiters.append((id, condition, continuation))
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Set<UInt32>, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.0 == id }) else { return nil }
                return state.waiters.remove(at: index).2
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
