import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import GRDB
import Testing

@Suite("dcmon relay")
struct DCMonRelayTests {
    @Test("killed with SIGKILL mid-stream and restarted: every published event stored exactly once; SIGTERM exits 0")
    func killAndRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("events.sqlite").path
        try await withSimulator { simulator in
            let id = try await relayTestMonitor(simulator)
            let total = 3_000
            let arguments = relayArguments(simulator, id, path)
            let environment = relayEnvironment()
            let dcmon = try dcmonExecutable()

            let first = try ChildProcess(dcmon, arguments, environment: environment)
            defer { first.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) } }
            // Publish in chunks and kill the relay while they flow.
            for chunk in 0..<10 {
                await raiseRelayDataPoints(simulator, values: chunk * 150..<(chunk + 1) * 150)
            }
            try await withTimeout(.seconds(60)) { _ = try await storedCount(first, atLeast: 1) }
            first.signal(SIGKILL)
            #expect(try await withTimeout(.seconds(30)) { await first.exitStatus() } != 0)
            await raiseRelayDataPoints(simulator, values: 1_500..<total)
            let storedBefore = try databaseCounts(path).rows
            #expect(storedBefore < total, "the relay stored everything before it was killed; the test proves nothing")

            let second = try ChildProcess(dcmon, arguments, environment: environment)
            defer { second.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { _ = try await storedCount(second, atLeast: total - storedBefore) }
            let acknowledged = simulator.pushServer.snapshot.acknowledgements[id, default: []].count
            #expect(acknowledged > 0)
            second.signal(SIGTERM)
            let start = ContinuousClock.now
            let status = try await withTimeout(.seconds(30)) { await second.exitStatus() }
            #expect(status == 0, "\(second.errorOutput)")
            #expect(ContinuousClock.now - start < .seconds(5))

            let counts = try databaseCounts(path)
            #expect(counts.rows == total)
            #expect(counts.keys == total)
            #expect(counts.values == total)
            #expect(!second.errorOutput.contains(TestAccount.password))
        }
    }

    @Test("a read-only database file: a clear error, exit 1, nothing acknowledged")
    func readOnlyDatabase() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("events.sqlite").path
        try Data("not written by the relay".utf8).write(to: URL(fileURLWithPath: path))
        try await withSimulator { simulator in
            let id = try await relayTestMonitor(simulator)
            await raiseRelayDataPoints(simulator, values: 0..<20)
            try await setImmutable(path, true)
            let child = try ChildProcess(try dcmonExecutable(), relayArguments(simulator, id, path), environment: relayEnvironment())
            defer { child.signal(SIGKILL) }
            let status = try await withTimeout(.seconds(60)) { await child.exitStatus() }
            try await setImmutable(path, false)
            #expect(status == 1)
            #expect(child.errorOutput.contains("read-only"), "\(child.errorOutput)")
            #expect(child.errorOutput.contains(path))
            let snapshot = simulator.pushServer.snapshot
            #expect(snapshot.acknowledgements[id, default: []].isEmpty)
            #expect(snapshot.handshakes[id, default: 0] == 0)
        }
    }
}

private func relayTestMonitor(_ simulator: Simulator) async throws -> UInt32 {
    try await simulator.store.create(
        MonitorDefinition(
            topics: ["DataPoint/relay"], transportType: .tcp, format: .json, batchSize: 50, batchDuration: .seconds(1),
            compression: .zlib, acknowledgement: .explicit, autoReplayOnConnect: true
        )
    ).id
}

private func relayArguments(_ simulator: Simulator, _ id: UInt32, _ path: String) -> [String] {
    [
        "relay", "\(id)", "--to", "sqlite:\(path)", "--url", "http://127.0.0.1:\(simulator.httpPort)",
        "--plain", "--push-port", "\(simulator.pushPort)", "--status-interval", "0.1",
    ]
}

private func relayEnvironment() -> [String: String] {
    ["DC_USERNAME": TestAccount.username, "DC_PASSWORD": TestAccount.password]
}

private func raiseRelayDataPoints(_ simulator: Simulator, values: Range<Int>) async {
    await simulator.store.raise(
        values.map { value in
            RaisedEvent(
                resourceType: "DataPoint", path: "relay", operation: .insertion,
                resource: .object([("id", .string("point-\(value)")), ("data", .number("\(value)"))]),
                timestamp: "2026-01-01T00:00:00.000Z"
            )
        }
    )
}

/// Waits for a status line of the relay saying it stored at least `count` events.
private func storedCount(_ relay: ChildProcess, atLeast count: Int) async throws -> Int {
    while true {
        let seen = relay.errorByteCount
        let stored = relay.errorOutput.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "stored ") else { return nil }
            return Int(line[range.upperBound...].prefix(while: \.isNumber))
        }
        if let last = stored.max(), last >= count { return last }
        try await relay.waitForErrorOutput(beyond: seen)
    }
}

private func databaseCounts(_ path: String) throws -> (rows: Int, keys: Int, values: Int) {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    return try queue.read { db in
        (
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM monitor_events") ?? -1,
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT event_key) FROM monitor_events") ?? -1,
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT json_extract(body, '$.data')) FROM monitor_events") ?? -1
        )
    }
}

/// The immutable attribute (root ignores permissions) or, when not root, read-only permissions.
private func setImmutable(_ path: String, _ immutable: Bool) async throws {
    if geteuid() != 0 {
        try FileManager.default.setAttributes([.posixPermissions: immutable ? 0o444 : 0o644], ofItemAtPath: path)
        return
    }
    let chattr = try ChildProcess(URL(fileURLWithPath: "/usr/bin/chattr"), [immutable ? "+i" : "-i", path])
    let status = await chattr.exitStatus()
    try #require(status == 0, "chattr failed: this test needs a file system with the immutable attribute")
}
