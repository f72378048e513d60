import AsyncHTTPClient
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import GRDB
import NIOCore
import Testing

@Suite("dcmon relay", .cpuHeavy)
struct DCMonRelayTests {
    @Test("into SQLite: killed with SIGKILL mid-stream and restarted, every published event stored exactly once; SIGTERM exits 0")
    func killAndRestartSQLite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("events.sqlite").path
        try await killAndRestart(destination: "sqlite:\(path)") { try databaseCounts(path) }
    }

    @Test(
        "into PostgreSQL: killed with SIGKILL mid-stream and restarted, every published event stored exactly once",
        .enabled(if: ProcessInfo.processInfo.environment["DC_TEST_POSTGRES_URL"] != nil, "DC_TEST_POSTGRES_URL is not set")
    )
    func killAndRestartPostgres() async throws {
        let server = try #require(ProcessInfo.processInfo.environment["DC_TEST_POSTGRES_URL"])
        let name = "dcmon_relay_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        _ = try await psql(server, "CREATE DATABASE \(name)")
        var components = try #require(URLComponents(string: server))
        components.path = "/\(name)"
        let url = try #require(components.string)
        try await killAndRestart(destination: url) {
            let values = try await psql(
                url,
                "SELECT COUNT(*), COUNT(DISTINCT event_key), COUNT(DISTINCT body::json->>'data') FROM monitor_events"
            ).split(separator: "|").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            try #require(values.count == 3)
            return (values[0], values[1], values[2])
        }
    }

    /// Relays into `destination`, kills the relay mid-stream, restarts it, and checks that every
    /// event is stored exactly once.
    private func killAndRestart(
        destination: String,
        counts: @escaping @Sendable () async throws -> (rows: Int, keys: Int, values: Int)
    ) async throws {
        try await withSimulator { simulator in
            let id = try await relayTestMonitor(simulator)
            // Transactions of at most 1,000 events (--commit-events): the first status line showing
            // stored events comes while most of the first 20,000 are still on their way.
            let firstPart = 20_000
            let total = 25_000
            let arguments = relayArguments(simulator, id, destination)
            let environment = relayEnvironment()
            let dcmon = try dcmonExecutable()

            let first = try ChildProcess(dcmon, arguments, environment: environment)
            defer { first.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) } }
            let head = 2_000
            await raiseRelayDataPoints(simulator, values: 0..<head)
            // Once the relay shows stored events, the rest of the first part is raised and the
            // relay killed at once: blocks are in flight, delivered or committed but not
            // acknowledged, however fast this machine relays the head.
            try await withTimeout(.seconds(60)) { _ = try await storedCount(first, atLeast: 1) }
            await raiseRelayDataPoints(simulator, values: head..<firstPart)
            first.signal(SIGKILL)
            #expect(try await withTimeout(.seconds(30)) { await first.exitStatus() } != 0)
            let storedBefore = try await counts().rows
            #expect(storedBefore > 0)
            #expect(storedBefore < firstPart, "the relay stored everything before it was killed; the test proves nothing")
            await raiseRelayDataPoints(simulator, values: firstPart..<total)

            let second = try ChildProcess(dcmon, arguments, environment: environment)
            defer { second.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { _ = try await storedCount(second, atLeast: total - storedBefore) }
            #expect(simulator.pushServer.snapshot.acknowledgements[id, default: []].count > 0)
            second.signal(SIGTERM)
            let start = ContinuousClock.now
            let status = try await withTimeout(.seconds(30)) { await second.exitStatus() }
            #expect(status == 0, "\(second.errorOutput)")
            #expect(ContinuousClock.now - start < .seconds(5))

            let stored = try await counts()
            #expect(stored.rows == total)
            #expect(stored.keys == total)
            #expect(stored.values == total)
            #expect(!second.errorOutput.contains(TestAccount.password))
        }
    }

    @Test("--metrics-port serves Prometheus metrics with the relay's counters, and /health")
    func metrics() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("events.sqlite").path
        try await withSimulator { simulator in
            let id = try await relayTestMonitor(simulator)
            let relay = try ChildProcess(
                try dcmonExecutable(),
                relayArguments(simulator, id, "sqlite:\(path)") + ["--metrics-port", "0"],
                environment: relayEnvironment()
            )
            defer { relay.signal(SIGKILL) }
            let port = try await withTimeout(.seconds(60)) { try await metricsPort(of: relay) }
            await raiseRelayDataPoints(simulator, values: 0..<500)
            try await withTimeout(.seconds(60)) { _ = try await storedCount(relay, atLeast: 500) }
            let (metricsStatus, metrics) = try await httpGet("http://127.0.0.1:\(port)/metrics")
            #expect(metricsStatus == 200)
            let stored = metrics.split(separator: "\n").first { $0.hasPrefix("devicecloud_relay_events_stored") }
            #expect(stored.map { $0.hasSuffix(" 500") } == true, "\(metrics)")
            #expect(metrics.contains("devicecloud_relay_commit_duration"))
            #expect(metrics.contains("devicecloud_relay_monitors_owned 1"))
            #expect(metrics.contains("devicecloud_relay_lag"), "\(metrics)")
            let (healthStatus, health) = try await httpGet("http://127.0.0.1:\(port)/health")
            #expect(healthStatus == 200)
            #expect(health == "ok\n")
            relay.signal(SIGTERM)
            #expect(try await withTimeout(.seconds(30)) { await relay.exitStatus() } == 0)
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
            let child = try ChildProcess(try dcmonExecutable(), relayArguments(simulator, id, "sqlite:\(path)"), environment: relayEnvironment())
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

private func relayArguments(_ simulator: Simulator, _ id: UInt32, _ destination: String) -> [String] {
    [
        "relay", "\(id)", "--to", destination, "--url", "http://127.0.0.1:\(simulator.httpPort)",
        "--plain", "--push-port", "\(simulator.pushPort)", "--status-interval", "0.02", "--commit-events", "1000",
    ]
}

private func relayEnvironment() -> [String: String] {
    ["DC_USERNAME": TestAccount.username, "DC_PASSWORD": TestAccount.password]
}

/// Raises DataPoint insertions valued `values` inside the simulated service.
///
/// In slices of 500, yielding between them: encoding a raise's blocks is synchronous work that
/// would otherwise hold a thread of the cooperative pool (one of two here) for seconds.
private func raiseRelayDataPoints(_ simulator: Simulator, values: Range<Int>) async {
    for start in stride(from: values.lowerBound, to: values.upperBound, by: 500) {
        await simulator.store.raise(
            (start..<min(start + 500, values.upperBound)).map { value in
                RaisedEvent(
                    resourceType: "DataPoint", path: "relay", operation: .insertion,
                    resource: .object([("id", .string("point-\(value)")), ("data", .number("\(value)"))]),
                    timestamp: "2026-01-01T00:00:00.000Z"
                )
            }
        )
        await Task.yield()
    }
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

/// Runs `psql URL -Atc SQL` and returns its output (through a file: complete once psql exited).
private func psql(_ url: String, _ sql: String) async throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("psql-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: file) }
    let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/psql"), [url, "-At", "-o", file.path, "-c", sql])
    let status = try await withTimeout(.seconds(30)) { await child.exitStatus() }
    try #require(status == 0, "psql failed: \(child.errorOutput)")
    return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
}

/// The port `relay --metrics-port 0` reports on standard error (`metrics http://host:port/metrics`).
private func metricsPort(of relay: ChildProcess) async throws -> Int {
    while true {
        let seen = relay.errorByteCount
        if let line = relay.errorOutput.split(separator: "\n").first(where: { $0.hasPrefix("metrics ") }),
            let url = URL(string: String(line.dropFirst("metrics ".count))), let port = url.port
        {
            return port
        }
        try await relay.waitForErrorOutput(beyond: seen)
    }
}

/// GETs a URL on 127.0.0.1; returns the status and the body.
private func httpGet(_ url: String) async throws -> (Int, String) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: body))
}
