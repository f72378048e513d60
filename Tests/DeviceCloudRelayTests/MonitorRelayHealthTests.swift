import DeviceCloud
import DeviceCloudRelay
import DeviceCloudSQLite
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("MonitorRelay health and lag")
struct MonitorRelayHealthTests {
    @Test("a session backing off within its policy is healthy; one that exhausted its attempts is named until attached again")
    func sessionHealth() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let relay = MonitorRelay(sink: try SQLiteEventSink(path: database.path))
        let server = try await PushServer.bind(
            delegate: StaticPushDirectory(username: TestAccount.username, password: TestAccount.password, monitors: [7]))
        let clock = TestClock()
        let policy = try ReconnectPolicy(initialBackoff: .seconds(1), jitter: 0, maximumAttempts: 2)
        @Sendable func session() -> PushSession {
            PushSession(
                configuration: PushSession.Configuration(
                    host: "127.0.0.1", port: server.port, transport: .plain,
                    credentials: Credentials(username: TestAccount.username, password: TestAccount.password),
                    monitorID: 7, reconnect: policy, clock: clock
                )
            )
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            try await whileRunning(relay) {
                #expect(relay.health.isHealthy)
                let first = session()
                relay.attach(.session(first), id: 7)
                try await withTimeout(.seconds(20)) { try await server.wait { $0.connectedMonitors.contains(7) } }
                #expect(first.connectionState.isWithinPolicy)
                #expect(relay.health.report == "ok")

                // The service goes away: the session backs off (on the test clock), within its policy.
                server.shutDown()
                try await withTimeout(.seconds(20)) { await clock.waitForSleep(of: .seconds(1)) }
                #expect(first.connectionState.description == "backing off")
                #expect(relay.health.isHealthy)

                // Every attempt refused: the session ends with an error, and the relay names it.
                try await withTimeout(.seconds(20)) {
                    try await withThrowingTaskGroup(of: Void.self) { attempts in
                        attempts.addTask { try await relay.wait { $0.sourceFailures == 1 } }
                        attempts.addTask {
                            while !Task.isCancelled {
                                await clock.waitForSleepers(1)
                                clock.advance(by: .seconds(600))
                            }
                        }
                        try await attempts.next()
                        attempts.cancelAll()
                    }
                }
                let failed = relay.health
                #expect(!failed.isHealthy)
                #expect(failed.commitFailure == nil)
                #expect(failed.failingSources.keys.sorted() == ["monitor 7"])
                #expect(failed.report.hasPrefix("monitor 7: ended: "))
                #expect(!first.connectionState.isWithinPolicy)

                // The monitor attached again (as the leases do at their next round): no longer named.
                relay.attach(.session(session()), id: 7)
                #expect(relay.health.failingSources.isEmpty)
            }
        }
    }

    @Test("a failing commit makes the relay unhealthy, naming the error")
    func commitHealth() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        do { _ = try SQLiteEventSink(path: database.path) }
        let emptySize = try #require(try FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int)
        // Capped at the empty database's size: every transaction fails with SQLITE_FULL.
        let sink = try SQLiteEventSink(path: database.path, configuration: .init(maximumSize: emptySize))
        try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
            let id = try await relayMonitor(simulator, batchSize: 50)
            let relay = MonitorRelay(
                sink: sink, sources: [.session(relaySession(simulator, monitorID: id))],
                configuration: .init(initialRetryDelay: .milliseconds(20), maximumRetryDelay: .milliseconds(50))
            )
            try await whileRunning(relay) {
                #expect(relay.health.isHealthy)
                await raiseDataPoints(simulator, values: 0..<200)
                try await withTimeout(.seconds(60)) { try await relay.wait { $0.failedCommits >= 1 } }
                let health = relay.health
                #expect(!health.isHealthy)
                #expect(health.commitFailure?.contains("databaseFull") == true)
                #expect(health.report.hasPrefix("commit failing: "))
                #expect(health.failingSources.isEmpty)
            }
        }
    }

    @Test("lag: from the newest event's time at the service to the commit that stored it")
    func lag() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
            let id = try await relayMonitor(simulator, batchSize: 10)
            let relay = MonitorRelay(sink: try SQLiteEventSink(path: database.path), sources: [.session(relaySession(simulator, monitorID: id))])
            let statistics = try await whileRunning(relay) {
                // raiseDataPoints stamps its events 2026-01-01T00:00:00.000Z.
                await raiseDataPoints(simulator, values: 0..<10)
                return try await withTimeout(.seconds(60)) { try await relay.wait { $0.eventsStored == 10 } }
            }
            let expected = Date().timeIntervalSince1970 - 1_767_225_600
            let lag = try #require(statistics.lag)
            #expect(abs(lag - expected) < 60)
        }
    }
}
