import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudRelay
import DeviceCloudSQLite
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import GRDB
import Testing

/// A simulator configuration for the test account.
func relaySimulatorConfiguration() -> Simulator.Configuration {
    Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
}

/// Creates an acknowledged, replaying TCP monitor on `DataPoint/relay`.
func relayMonitor(
    _ simulator: Simulator,
    batchSize: Int = 10,
    compression: MonitorCompression = .zlib,
    acknowledgement: MonitorAckOption = .explicit,
    autoReplay: Bool = true
) async throws -> UInt32 {
    try await simulator.store.create(
        MonitorDefinition(
            topics: ["DataPoint/relay"],
            transportType: .tcp,
            format: .json,
            batchSize: batchSize,
            batchDuration: .seconds(1),
            compression: compression,
            acknowledgement: acknowledgement,
            autoReplayOnConnect: autoReplay
        )
    ).id
}

/// A push session to the simulator that reconnects quickly.
func relaySession(_ simulator: Simulator, monitorID: UInt32, acknowledgement: AcknowledgementMode = .explicit) -> PushSession {
    PushSession(
        configuration: PushSession.Configuration(
            host: "127.0.0.1",
            port: simulator.pushPort,
            transport: .plain,
            credentials: Credentials(username: TestAccount.username, password: TestAccount.password),
            monitorID: monitorID,
            acknowledgement: acknowledgement,
            handshakeTimeout: .seconds(10).allowingForSanitizers,
            reconnect: relayReconnect
        )
    )
}

/// Reconnects after 10 ms, at most 50 ms apart: tests never wait for real backoff.
var relayReconnect: ReconnectPolicy {
    var policy = ReconnectPolicy.default
    policy.initialBackoff = .milliseconds(10)
    policy.maximumBackoff = .milliseconds(50)
    return policy
}

/// Raises DataPoints valued `values` on stream `relay` inside the simulator.
func raiseDataPoints(_ simulator: Simulator, values: Range<Int>) async {
    let events = values.map { value in
        RaisedEvent(
            resourceType: "DataPoint",
            path: "relay",
            operation: .insertion,
            resource: .object([
                ("id", .string("point-\(value)")),
                ("streamId", .string("relay")),
                ("data", .number("\(value)")),
            ]),
            timestamp: "2026-01-01T00:00:00.000Z"
        )
    }
    await simulator.store.raise(events)
}

/// A fresh database path in a folder of its own, removed by `cleanUp`.
struct TemporaryDatabase {
    let folder: URL
    var path: String { self.folder.appendingPathComponent("events.sqlite").path }

    init() throws {
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: self.folder)
    }

    /// Row count, distinct keys, and distinct `data` values of `monitor_events`, read on a
    /// separate connection.
    func counts() throws -> (rows: Int, keys: Int, values: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: self.path, configuration: configuration)
        return try queue.read { db in
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM monitor_events") ?? -1
            let keys = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT event_key) FROM monitor_events") ?? -1
            let values = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT json_extract(body, '$.data')) FROM monitor_events") ?? -1
            return (rows, keys, values)
        }
    }
}

/// Runs `relay` until `body` returns, then cancels it and waits for it to end.
func whileRunning<Result: Sendable>(
    _ relay: MonitorRelay,
    _ body: @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await relay.run() }
        let result = try await body()
        group.cancelAll()
        try? await group.waitForAll()
        return result
    }
}
