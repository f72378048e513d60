import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudPostgres
import DeviceCloudRelay
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOSSL
import ServiceLifecycle
import Testing

@Suite("MonitorRelay into PostgreSQL", .cpuHeavy, .serialized)
struct MonitorRelayPostgresTests {
    @Test("the test database is there under CI")
    func availableUnderCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(TestPostgres.isAvailable, "CI=true but DC_TEST_POSTGRES_URL is not set")
        } else if !TestPostgres.isAvailable {
            print("PostgreSQL relay tests skipped: DC_TEST_POSTGRES_URL is not set (.ci/run starts a server)")
        }
    }

    @Test("a lease timeout or rebalance interval that is not positive is a configuration error")
    func leaseConfigurationValidated() {
        let database = PostgresEventSink.Configuration(host: "127.0.0.1", username: "postgres", database: "postgres")
        #expect(throws: ConfigurationError.self) {
            try PostgresMonitorLeases.Configuration(monitors: [1], leaseTimeout: .zero, database: database)
        }
        #expect(throws: ConfigurationError.self) {
            try PostgresMonitorLeases.Configuration(monitors: [1], rebalanceInterval: .seconds(-1), database: database)
        }
    }

    @Test("every event stored once; the database restarted mid-stream loses nothing", .enabled(if: TestPostgres.isAvailable, TestPostgres.unavailableReason))
    func restartMidStream() async throws {
        let server = try await PrivatePostgres.start()
        defer { server.stop() }
        // A statement caught by the restart can be left unanswered for good (PostgresNIO never
        // fails it); the sink gives up on it after statementTimeout and retries the write.
        var restartable = server.configuration
        restartable.statementTimeout = .seconds(10)
        let database = restartable
        // A real limit around everything: a hang fails this test instead of stalling the suite.
        try await withTimeout(.seconds(150)) {
            try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
                let id = try await relayMonitor(simulator, batchSize: 20)
                let sink = PostgresEventSink(configuration: database)
                let relay = MonitorRelay(
                    sink: sink,
                    sources: [.session(relaySession(simulator, monitorID: id))],
                    configuration: .init(initialRetryDelay: .milliseconds(50), maximumRetryDelay: .milliseconds(200))
                )
                let half = 2_000
                let statistics = try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await sink.run() }
                    group.addTask { try await relay.run() }
                    defer { group.cancelAll() }
                    await raiseDataPoints(simulator, values: 0..<half)
                    try await withTimeout(.seconds(60)) { try await relay.wait { $0.eventsStored >= 1 } }
                    // The second half is raised while the server restarts.
                    async let restarted: Void = server.restart()
                    await raiseDataPoints(simulator, values: half..<2 * half)
                    try await restarted
                    let result = try await withTimeout(.seconds(60)) {
                        try await relay.wait { $0.eventsStored + $0.duplicatesSkipped >= 2 * half && $0.batchesAcknowledged == 2 * half / 20 }
                    }
                    return result
                }
                #expect(statistics.batchesAcknowledged == 2 * half / 20)
                let rows = try await TestPostgres.integers("SELECT COUNT(*) FROM monitor_events", in: database)
                let keys = try await TestPostgres.integers("SELECT COUNT(DISTINCT event_key) FROM monitor_events", in: database)
                let values = try await TestPostgres.integers("SELECT COUNT(DISTINCT body::json->>'data') FROM monitor_events", in: database)
                #expect(rows == [2 * half])
                #expect(keys == [2 * half])
                #expect(values == [2 * half])
            }
        }
    }

    @Test("three workers share six monitors two each; one killed, the other two own three each within two intervals", .enabled(if: TestPostgres.isAvailable, TestPostgres.unavailableReason))
    func leases() async throws {
        let database = try await TestPostgres.freshDatabase()
        let interval = Duration.milliseconds(300)
        // A real limit around everything: a hang fails this test instead of stalling the suite.
        try await withTimeout(.seconds(150)) {
            try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
                var created: [UInt32] = []
                for _ in 0..<6 { created.append(try await relayMonitor(simulator, batchSize: 10)) }
                let monitors = created
                let workers = try (0..<3).map { index in
                    let sink = PostgresEventSink(configuration: database)
                    let relay = MonitorRelay(sink: sink)
                    let leases = PostgresMonitorLeases(
                        configuration: try .init(monitors: monitors, workerID: "worker-\(index)", rebalanceInterval: interval, database: database),
                        relay: relay,
                        makeSource: { id in .session(relaySession(simulator, monitorID: id)) }
                    )
                    return (sink, relay, leases)
                }
                let perMonitor = 300
                let (killSignal, kill) = AsyncStream<Void>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, (sink, relay, leases)) in workers.enumerated() {
                        group.addTask {
                            try await withThrowingTaskGroup(of: Void.self) { worker in
                                worker.addTask { try await sink.run() }
                                worker.addTask { try await relay.run() }
                                worker.addTask { try await leases.run() }
                                if index == 0 {
                                    // Worker 0 dies when told: every task of it cancelled at once, like a crash.
                                    worker.addTask { for await _ in killSignal { return } }
                                }
                                defer { worker.cancelAll() }
                                try await worker.next()
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    try await withTimeout(.seconds(60)) {
                        for (_, _, leases) in workers { try await leases.wait { $0.count == 2 } }
                    }
                    let owned = workers.map(\.2.ownedMonitors)
                    #expect(owned.reduce(Set()) { $0.union($1) } == Set(monitors))
                    await raiseDataPoints(simulator, values: 0..<perMonitor / 2)
                    try await withTimeout(.seconds(60)) {
                        for (_, relay, _) in workers { try await relay.wait { $0.eventsStored >= 1 } }
                    }

                    kill.yield()
                    let killedAt = ContinuousClock.now
                    try await withTimeout(interval * 2 + .seconds(2)) {
                        try await workers[1].2.wait { $0.count == 3 }
                        try await workers[2].2.wait { $0.count == 3 }
                    }
                    let takeover = ContinuousClock.now - killedAt
                    #expect(workers[1].2.ownedMonitors.union(workers[2].2.ownedMonitors) == Set(monitors))
                    print("takeover after \(takeover) (rebalance interval \(interval))")

                    await raiseDataPoints(simulator, values: perMonitor / 2..<perMonitor)
                    try await withTimeout(.seconds(60)) {
                        try await simulator.pushServer.wait { snapshot in
                            monitors.allSatisfy { Set(snapshot.acknowledgements[$0, default: []]).count >= perMonitor / 10 }
                        }
                    }
                }
                let rows = try await TestPostgres.integers("SELECT COUNT(*) FROM monitor_events", in: database)
                let distinct = try await TestPostgres.integers(
                    "SELECT COUNT(*) FROM (SELECT DISTINCT monitor_id, body::json->>'data' FROM monitor_events) AS events", in: database)
                let perMonitorRows = try await TestPostgres.integers(
                    "SELECT COUNT(*) FROM monitor_events GROUP BY monitor_id ORDER BY monitor_id", in: database)
                #expect(rows == [6 * perMonitor])
                #expect(distinct == [6 * perMonitor])
                #expect(perMonitorRows == Array(repeating: perMonitor, count: 6))
            }
        }
    }

    @Test("a worker that loses its lease connection stops every session at once, then reconnects and claims again", .enabled(if: TestPostgres.isAvailable, TestPostgres.unavailableReason))
    func fencing() async throws {
        let database = try await TestPostgres.freshDatabase()
        // A real limit around everything: a hang fails this test instead of stalling the suite.
        try await withTimeout(.seconds(150)) {
            try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
                let first = try await relayMonitor(simulator, batchSize: 10)
                let second = try await relayMonitor(simulator, batchSize: 10)
                let sink = PostgresEventSink(configuration: database)
                let relay = MonitorRelay(sink: sink)
                let leases = PostgresMonitorLeases(
                    configuration: try .init(monitors: [first, second], workerID: "fenced", rebalanceInterval: .milliseconds(300), database: database),
                    relay: relay,
                    makeSource: { id in .session(relaySession(simulator, monitorID: id)) }
                )
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await sink.run() }
                    group.addTask { try await relay.run() }
                    group.addTask { try await leases.run() }
                    defer { group.cancelAll() }
                    try await withTimeout(.seconds(30)) {
                        try await leases.wait { $0.count == 2 }
                        try await simulator.pushServer.wait { $0.connectedMonitors.isSuperset(of: [first, second]) }
                    }
                    let terminated = try await TestPostgres.integers(
                        "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(backend_pid) FROM relay_workers WHERE worker_id = 'fenced') AS t",
                        in: database)
                    #expect(terminated == [1])
                    try await withTimeout(.seconds(30)) {
                        try await leases.wait { $0.isEmpty }
                        try await simulator.pushServer.wait { $0.connectedMonitors.isDisjoint(with: [first, second]) }
                    }
                    #expect(relay.attachedIDs.isEmpty)
                    try await withTimeout(.seconds(30)) { try await leases.wait { $0.count == 2 } }
                    await raiseDataPoints(simulator, values: 0..<100)
                    try await withTimeout(.seconds(30)) {
                        try await simulator.pushServer.wait { snapshot in
                            [first, second].allSatisfy { Set(snapshot.acknowledgements[$0, default: []]).count >= 10 }
                        }
                    }
                }
                let rows = try await TestPostgres.integers("SELECT COUNT(*) FROM monitor_events", in: database)
                #expect(rows == [200])
            }
        }
    }

    @Test(
        "TLS to the database, verified against the test CA: sink and lease connections both encrypted; an untrusted server is refused",
        .enabled(if: TestPostgres.isAvailable, TestPostgres.unavailableReason)
    )
    func tlsToTheDatabase() async throws {
        let server = try await PrivatePostgres.start(tls: true)
        defer { server.stop() }
        var trusted = TLSConfiguration.makeClientConfiguration()
        trusted.trustRoots = .certificates(try TestCertificates.caCertificates())
        var encryptedDatabase = server.configuration
        encryptedDatabase.tls = .require(trusted)
        let database = encryptedDatabase
        try await withTimeout(.seconds(120)) {
            try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
                let id = try await relayMonitor(simulator, batchSize: 10)
                let sink = PostgresEventSink(configuration: database)
                let relay = MonitorRelay(sink: sink)
                let leases = PostgresMonitorLeases(
                    configuration: try .init(monitors: [id], workerID: "tls", rebalanceInterval: .milliseconds(300), database: database),
                    relay: relay,
                    makeSource: { id in .session(relaySession(simulator, monitorID: id)) }
                )
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await sink.run() }
                    group.addTask { try await relay.run() }
                    group.addTask { try await leases.run() }
                    defer { group.cancelAll() }
                    try await withTimeout(.seconds(30)) { try await leases.wait { $0 == [id] } }
                    await raiseDataPoints(simulator, values: 0..<100)
                    try await withTimeout(.seconds(60)) { try await relay.wait { $0.eventsStored == 100 } }
                    // Every client connection but this check's own (plain) one is encrypted.
                    let encrypted = try await TestPostgres.integers(
                        "SELECT COUNT(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE s.ssl AND a.backend_type = 'client backend'",
                        in: server.configuration)
                    #expect(encrypted.first.map { $0 >= 2 } == true, "sink and lease connections: \(encrypted)")
                }
                #expect(try await TestPostgres.integers("SELECT COUNT(*) FROM monitor_events", in: server.configuration) == [100])
            }
        }

        // A client that does not trust the test CA refuses the server, and says so.
        var untrusting = server.configuration
        untrusting.tls = .require(TLSConfiguration.makeClientConfiguration())
        untrusting.connectionTimeout = .seconds(2)
        let refused = PostgresEventSink(configuration: untrusting)
        let refusedSchema = refused
        try await withTimeout(.seconds(60)) {
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await refused.run() }
                defer { group.cancelAll() }
                let error = await #expect(throws: PostgresSinkError.self) { try await refusedSchema.prepareSchema() }
                #expect(error?.message.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(String(describing: error))")
                #expect(error?.code == .connectionFailed)
            }
        }
    }

    @Test(
        "a lease connection that stops answering is taken for dead within the lease timeout: sessions stopped, then claimed again",
        .enabled(if: TestPostgres.isAvailable, TestPostgres.unavailableReason)
    )
    func silentLeaseConnection() async throws {
        let database = try await TestPostgres.freshDatabase()
        try await withTimeout(.seconds(120)) {
            try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
                let first = try await relayMonitor(simulator, batchSize: 10)
                let second = try await relayMonitor(simulator, batchSize: 10)
                let sink = PostgresEventSink(configuration: database)
                let relay = MonitorRelay(sink: sink)
                let leases = PostgresMonitorLeases(
                    configuration: try .init(
                        monitors: [first, second], workerID: "silent", rebalanceInterval: .milliseconds(200),
                        leaseTimeout: .seconds(1), database: database),
                    relay: relay,
                    makeSource: { id in .session(relaySession(simulator, monitorID: id)) }
                )
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await sink.run() }
                    group.addTask { try await relay.run() }
                    group.addTask { try await leases.run() }
                    defer { group.cancelAll() }
                    try await withTimeout(.seconds(30)) {
                        try await leases.wait { $0.count == 2 }
                        try await simulator.pushServer.wait { $0.connectedMonitors.isSuperset(of: [first, second]) }
                    }
                    // The server process behind the lease connection is frozen: the connection stays
                    // open and silent, as in a network partition, and fails nothing by itself.
                    let pids = try await TestPostgres.integers("SELECT backend_pid FROM relay_workers WHERE worker_id = 'silent'", in: database)
                    let backend = try #require(pids.first)
                    #expect(kill(pid_t(backend), SIGSTOP) == 0)
                    defer { kill(pid_t(backend), SIGCONT) }
                    let frozen = ContinuousClock.now
                    try await withTimeout(.seconds(20)) {
                        try await leases.wait { $0.isEmpty }
                        try await simulator.pushServer.wait { $0.connectedMonitors.isDisjoint(with: [first, second]) }
                    }
                    #expect(ContinuousClock.now - frozen < .seconds(10))
                    #expect(relay.attachedIDs.isEmpty)
                    // Thawed, the old server process finds its client gone and ends, freeing the locks.
                    kill(pid_t(backend), SIGCONT)
                    try await withTimeout(.seconds(30)) { try await leases.wait { $0.count == 2 } }
                }
            }
        }
    }

    @Test(
        "two workers sharing four monitors ride out a database restart: every event stored once",
        .enabled(if: TestPostgres.isAvailable, TestPostgres.unavailableReason)
    )
    func leasesAcrossRestart() async throws {
        let server = try await PrivatePostgres.start()
        defer { server.stop() }
        // A statement caught by the restart can be left unanswered for good (PostgresNIO never
        // fails it); the sink gives up on it after statementTimeout and retries the write.
        var restartable = server.configuration
        restartable.statementTimeout = .seconds(10)
        let database = restartable
        // A real limit around everything: a hang fails this test instead of stalling the suite.
        try await withTimeout(.seconds(150)) {
            try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
                var created: [UInt32] = []
                for _ in 0..<4 { created.append(try await relayMonitor(simulator, batchSize: 10)) }
                let monitors = created
                let workers = try (0..<2).map { index in
                    let sink = PostgresEventSink(configuration: database)
                    let relay = MonitorRelay(
                        sink: sink, configuration: .init(initialRetryDelay: .milliseconds(50), maximumRetryDelay: .milliseconds(200)))
                    let leases = PostgresMonitorLeases(
                        configuration: try .init(monitors: monitors, workerID: "restart-\(index)", rebalanceInterval: .milliseconds(300), database: database),
                        relay: relay,
                        makeSource: { id in .session(relaySession(simulator, monitorID: id)) }
                    )
                    return (sink, relay, leases)
                }
                let perMonitor = 400
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (sink, relay, leases) in workers {
                        group.addTask { try await sink.run() }
                        group.addTask { try await relay.run() }
                        group.addTask { try await leases.run() }
                    }
                    defer { group.cancelAll() }
                    try await withTimeout(.seconds(60)) {
                        for (_, _, leases) in workers { try await leases.wait { $0.count == 2 } }
                    }
                    await raiseDataPoints(simulator, values: 0..<perMonitor / 2)
                    async let restarted: Void = server.restart()
                    await raiseDataPoints(simulator, values: perMonitor / 2..<perMonitor)
                    try await restarted
                    try await withTimeout(.seconds(90)) {
                        try await simulator.pushServer.wait { snapshot in
                            monitors.allSatisfy { Set(snapshot.acknowledgements[$0, default: []]).count >= perMonitor / 10 }
                        }
                    }
                }
                let rows = try await TestPostgres.integers("SELECT COUNT(*) FROM monitor_events", in: database)
                let distinct = try await TestPostgres.integers(
                    "SELECT COUNT(*) FROM (SELECT DISTINCT monitor_id, body::json->>'data' FROM monitor_events) AS events", in: database)
                #expect(rows == [4 * perMonitor])
                #expect(distinct == [4 * perMonitor])
            }
        }
    }
}
