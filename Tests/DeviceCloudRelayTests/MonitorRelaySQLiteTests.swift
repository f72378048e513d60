import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudRelay
import DeviceCloudSQLite
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import ServiceLifecycle
import Testing

@Suite("MonitorRelay into SQLite", .cpuHeavy)
struct MonitorRelaySQLiteTests {
    @Test("every event stored once, every block acknowledged after its commit")
    func endToEnd() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
            let id = try await relayMonitor(simulator, batchSize: 10)
            let relay = MonitorRelay(
                sink: try SQLiteEventSink(path: database.path),
                sources: [.session(relaySession(simulator, monitorID: id))]
            )
            let total = 1_000
            try await whileRunning(relay) {
                await raiseDataPoints(simulator, values: 0..<total)
                try await withTimeout(.seconds(30)) {
                    try await relay.wait { $0.eventsStored == total && $0.batchesAcknowledged == total / 10 }
                    try await simulator.pushServer.wait { $0.acknowledgements[id, default: []].count == total / 10 }
                }
            }
            let counts = try database.counts()
            #expect(counts.rows == total)
            #expect(counts.keys == total)
            #expect(counts.values == total)
            let statistics = relay.statistics
            #expect(statistics.duplicatesSkipped == 0)
            #expect(statistics.failedCommits == 0)
            #expect(statistics.commits >= 1)
            #expect(statistics.commits <= total / 10)
        }
    }

    @Test("a failing commit acknowledges nothing; after a restart the service replays and each event is stored once")
    func acknowledgeOnlyAfterCommit() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
            // Blocks of 50 events: each needs more than the pages the empty tables have.
            let id = try await relayMonitor(simulator, batchSize: 50)
            let total = 200
            do { _ = try SQLiteEventSink(path: database.path) }
            let emptySize = try #require(try FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int)
            do {
                // A size cap at the empty database's size: every transaction fails with SQLITE_FULL.
                let failing = MonitorRelay(
                    sink: try SQLiteEventSink(path: database.path, configuration: .init(maximumSize: emptySize)),
                    sources: [.session(relaySession(simulator, monitorID: id))],
                    configuration: .init(initialRetryDelay: .milliseconds(5), maximumRetryDelay: .milliseconds(20))
                )
                let failed = try await whileRunning(failing) {
                    await raiseDataPoints(simulator, values: 0..<total)
                    return try await withTimeout(.seconds(30)) {
                        try await failing.wait { $0.failedCommits >= 3 && $0.batchesPulled == total / 50 }
                    }
                }
                #expect(failed.batchesAcknowledged == 0)
                #expect(failed.eventsStored == 0)
                #expect(failed.lastFailure?.contains("databaseFull") == true)
                #expect(simulator.pushServer.snapshot.acknowledgements[id, default: []].isEmpty)
                #expect(try database.counts().rows == 0)
            }
            // A relay without the cap: the service replays the unacknowledged blocks.
            let relay = MonitorRelay(
                sink: try SQLiteEventSink(path: database.path),
                sources: [.session(relaySession(simulator, monitorID: id))]
            )
            let statistics = try await whileRunning(relay) {
                try await withTimeout(.seconds(30)) {
                    try await simulator.pushServer.wait { $0.acknowledgements[id, default: []].count >= total / 50 }
                    return try await relay.wait { $0.eventsStored == total && $0.batchesAcknowledged >= total / 50 }
                }
            }
            #expect(statistics.failedCommits == 0)
            let counts = try database.counts()
            #expect(counts.rows == total)
            #expect(counts.keys == total)
            #expect(counts.values == total)
        }
    }

    @Test("a replayed block is skipped as duplicates and then acknowledged")
    func duplicatesSkippedOnReplay() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
            let id = try await relayMonitor(simulator, batchSize: 10)
            let total = 100
            // First relay: its session does not acknowledge, so the service keeps every block.
            do {
                let relay = MonitorRelay(
                    sink: try SQLiteEventSink(path: database.path),
                    sources: [.session(relaySession(simulator, monitorID: id, acknowledgement: .off))]
                )
                try await whileRunning(relay) {
                    await raiseDataPoints(simulator, values: 0..<total)
                    try await withTimeout(.seconds(30)) { try await relay.wait { $0.eventsStored == total } }
                }
            }
            #expect(simulator.pushServer.snapshot.acknowledgements[id, default: []].isEmpty)
            // Second relay on the same file: the service replays all of it.
            let relay = MonitorRelay(
                sink: try SQLiteEventSink(path: database.path),
                sources: [.session(relaySession(simulator, monitorID: id))]
            )
            let statistics = try await whileRunning(relay) {
                try await withTimeout(.seconds(30)) {
                    try await simulator.pushServer.wait { $0.acknowledgements[id, default: []].count >= total / 10 }
                    return try await relay.wait { $0.duplicatesSkipped == total && $0.batchesAcknowledged == total / 10 }
                }
            }
            #expect(statistics.eventsStored == 0)
            let counts = try database.counts()
            #expect(counts.rows == total)
            #expect(counts.keys == total)
        }
    }

    @Test("graceful shutdown stops pulling, commits and acknowledges every batch it pulled")
    func gracefulShutdown() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        try await withSimulator(configuration: relaySimulatorConfiguration()) { simulator in
            let id = try await relayMonitor(simulator, batchSize: 5)
            let relay = MonitorRelay(
                sink: try SQLiteEventSink(path: database.path),
                sources: [.session(relaySession(simulator, monitorID: id))],
                // A long interval: batches wait in the relay when shutdown begins.
                configuration: .init(commitInterval: .seconds(60))
            )
            let group = ServiceGroup(services: [relay], logger: .init(label: "test"))
            let statistics = try await withTimeout(.seconds(30)) {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    await raiseDataPoints(simulator, values: 0..<50)
                    try await relay.wait { $0.batchesPulled >= 2 }
                    #expect(relay.statistics.commits == 0)
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                    return relay.statistics
                }
            }
            #expect(statistics.batchesPulled >= 2)
            #expect(statistics.batchesAcknowledged == statistics.batchesPulled)
            #expect(statistics.eventsStored == statistics.eventsPulled)
            #expect(try database.counts().rows == statistics.eventsPulled)
            let acknowledged = try await withTimeout(.seconds(10)) {
                try await simulator.pushServer.wait { $0.acknowledgements[id, default: []].count == statistics.batchesPulled }
            }
            #expect(acknowledged.acknowledgements[id, default: []].count == statistics.batchesPulled)
        }
    }
}

@Suite("SQLiteEventSink")
struct SQLiteEventSinkTests {
    @Test("a second sink on the same file fails with databaseInUse until the first is gone")
    func oneWriter() throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        var first: SQLiteEventSink? = try SQLiteEventSink(path: database.path)
        #expect(first != nil)
        let error = #expect(throws: SQLiteSinkError.self) { try SQLiteEventSink(path: database.path) }
        #expect(error?.code == .databaseInUse)
        #expect(error?.message.contains(database.path) == true)
        first = nil
        #expect(throws: Never.self) { try SQLiteEventSink(path: database.path) }
    }

    @Test("a read-only database file gives readOnly, naming the file")
    func readOnly() throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        do { _ = try SQLiteEventSink(path: database.path) }
        try makeReadOnly(database.path)
        defer { makeWritable(database.path) }
        let error = #expect(throws: SQLiteSinkError.self) { try SQLiteEventSink(path: database.path) }
        #expect(error?.code == .readOnly)
        #expect(error?.message.contains("read-only") == true)
    }

    @Test("a file with a newer schema version is refused")
    func newerSchema() throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        do { _ = try SQLiteEventSink(path: database.path) }
        try bumpSchemaVersion(database.path)
        let error = #expect(throws: SQLiteSinkError.self) { try SQLiteEventSink(path: database.path) }
        #expect(error?.code == .newerSchema)
    }
}

@Suite("RelayMonitorPolicy")
struct RelayMonitorPolicyTests {
    @Test("refuses a monitor without acknowledgements unless allowed; warns without auto-replay")
    func policy() throws {
        let off = MonitorDefinition(transportType: .tcp, acknowledgement: .off, autoReplayOnConnect: true)
        let error = #expect(throws: RelayError.self) { try RelayMonitorPolicy.check(monitor: 7, off, allowUnacknowledged: false) }
        #expect(error?.code == .unacknowledgedMonitor)
        #expect(error?.message.contains("--allow-unacknowledged") == true)
        let allowed = try RelayMonitorPolicy.check(monitor: 7, off, allowUnacknowledged: true)
        #expect(allowed != .safe)
        let noReplay = MonitorDefinition(transportType: .tcp, acknowledgement: .explicit, autoReplayOnConnect: false)
        let verdict = try RelayMonitorPolicy.check(monitor: 8, noReplay, allowUnacknowledged: false)
        guard case .warning(let text) = verdict else {
            Issue.record("expected a warning, got \(verdict)")
            return
        }
        #expect(text.contains("auto-replay"))
        let safe = MonitorDefinition(transportType: .tcp, acknowledgement: .explicit, autoReplayOnConnect: true)
        #expect(try RelayMonitorPolicy.check(monitor: 9, safe, allowUnacknowledged: false) == .safe)
    }
}
