import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("v1 reset and history: the simulator serves them, the client reads them")
struct InventoryResetAndHistoryTests {
    /// A cloud for `simulator` for the duration of `body`.
    static func withCloud<Result: Sendable>(_ simulator: Simulator, _ body: (DeviceCloud) async throws -> Result) async throws -> Result {
        let url = try #require(URL(string: "http://127.0.0.1:\(simulator.httpPort)"))
        return try await withDeviceCloud(url: url, username: TestAccount.username, password: TestAccount.password, body)
    }

    @Test("an HTTP monitor disabled by failing deliveries is enabled again by monitor.reset() and delivers")
    func resetEnablesDisabledMonitor() async throws {
        let receiver = RecordingHTTPServer(username: "hook", password: "h00k-S3cret")
        receiver.fail(next: Int.max)
        try await receiver.run { base in
            try await withSimulator(configuration: HTTPDeliveryTests.configuration(failureWindow: .milliseconds(300))) { simulator in
                let store = simulator.store
                let id = try await HTTPDeliveryTests.httpMonitor(simulator, url: "\(base)/hook/reset", topics: ["DataPoint"])
                try await writeDataPoints(simulator, stream: "s", values: [0])
                try await withTimeout { try await store.wait(forMonitor: id) { $0?.status == .disabled } }
                receiver.fail(next: 0)
                try await Self.withCloud(simulator) { cloud in
                    let monitor = try await cloud.monitors.monitor(id: id)
                    #expect(await monitor.record.status == .disabled)
                    try await monitor.reset()
                    #expect(await monitor.record.status != .disabled)
                }
                try await writeDataPoints(simulator, stream: "s", values: [7])
                let requests = try await withTimeout { try await receiver.wait { $0.last?.status == 200 } }
                #expect(try HTTPDeliveryTests.values(of: try #require(requests.last), format: .json, compression: .none) == [7])
                try await withTimeout { try await store.wait(forMonitor: id) { $0?.status == .active } }
            }
        }
    }

    @Test("reset answers POST and PUT alike, 404 for an unknown monitor; a legacy PUT still resets")
    func resetMethods() async throws {
        try await withFailingHTTPServer { port in
            try await withSimulator(configuration: HTTPDeliveryTests.configuration(failureWindow: .milliseconds(100))) { simulator in
                let store = simulator.store
                let id = try await HTTPDeliveryTests.httpMonitor(simulator, url: "http://127.0.0.1:\(port)/down", topics: ["DataPoint"])
                for method in ["POST", "PUT", "LEGACY"] {
                    try await writeDataPoints(simulator, stream: "s", values: [1])
                    try await withTimeout { try await store.wait(forMonitor: id) { $0?.status == .disabled } }
                    let answer =
                        method == "LEGACY"
                        ? try await send(simulator, "PUT", "Monitor/\(id)", body: "<Monitor/>")
                        : try await send(simulator, method, "v1/monitors/inventory/\(id)/reset")
                    #expect(answer.status == 200, "\(method)")
                    #expect(await store.record(id: id)?.status == .inactive, "\(method)")
                }
                #expect(try await send(simulator, "POST", "v1/monitors/inventory/4242/reset").status == 404)
            }
        }
    }

    @Test("history yields a persistent monitor's saved events as MonitorEvents, page by page, within the times")
    func historyBackfill() async throws {
        try await withSimulator { simulator in
            let persistent = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint/h"], persistent: true))
            let plain = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint/h"]))
            let before = Date()
            try await writeDataPoints(simulator, stream: "h", values: 0..<7)
            #expect(await simulator.store.historyCount(id: persistent.id) == 7)
            #expect(await simulator.store.historyCount(id: plain.id) == 0)
            try await Self.withCloud(simulator) { cloud in
                let requests = simulator.requestCount
                var events: [MonitorEvent] = []
                for try await event in cloud.monitors.history(persistent.id, from: before.addingTimeInterval(-1), pageSize: 3) {
                    events.append(event)
                }
                #expect(try values(events) == Array(0..<7))
                #expect(
                    events.allSatisfy { $0.topic == "7603/DataPoint/h" && $0.operation == .insertion && $0.resourceType == "DataPoint" })
                #expect(simulator.requestCount == requests + 3)

                var none: [MonitorEvent] = []
                for try await event in cloud.monitors.history(persistent.id, from: Date().addingTimeInterval(3600)) { none.append(event) }
                #expect(none.isEmpty)
                var early: [MonitorEvent] = []
                for try await event in cloud.monitors.history(persistent.id, to: before.addingTimeInterval(-1)) { early.append(event) }
                #expect(early.isEmpty)

                let missing = try await deviceCloudErrorOf { for try await _ in cloud.monitors.history(4242) {} }
                #expect(missing.code == .notFound)
            }
        }
    }

    @Test("a throttled history page is retried by the cloud's policy and the sequence goes on")
    func historyRetries429() async throws {
        try await withSimulator { simulator in
            let persistent = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint/t"], persistent: true))
            try await writeDataPoints(simulator, stream: "t", values: 0..<4)
            var retry = RetryPolicy.default
            retry.initialDelay = .milliseconds(1)
            retry.maximumDelay = .milliseconds(5)
            let url = try #require(URL(string: "http://127.0.0.1:\(simulator.httpPort)"))
            try await withDeviceCloud(
                url: url,
                username: TestAccount.username,
                password: TestAccount.password,
                configuration: DeviceCloud.Configuration(httpClient: .dedicated(), retry: retry)
            ) { cloud in
                var events: [MonitorEvent] = []
                var iterator = cloud.monitors.history(persistent.id, pageSize: 2).makeAsyncIterator()
                if let first = try await iterator.next() { events.append(first) }
                simulator.throttling.set(.nextRequests(2))
                while let event = try await iterator.next() { events.append(event) }
                #expect(try values(events) == [0, 1, 2, 3])
                #expect(simulator.throttling.throttledResponses == 2)
            }
        }
    }

    @Test("history is bounded by events and by bytes; the oldest go first")
    func historyBounds() async throws {
        let configuration = simulatorConfiguration { $0.history = MonitorHistoryLimits(maximumEvents: 4, maximumBytes: 1 << 20) }
        try await withSimulator(configuration: configuration) { simulator in
            let byCount = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint/b"], persistent: true))
            try await writeDataPoints(simulator, stream: "b", values: 0..<10)
            #expect(await simulator.store.historyCount(id: byCount.id) == 4)
            try await Self.withCloud(simulator) { cloud in
                var events: [MonitorEvent] = []
                for try await event in cloud.monitors.history(byCount.id) { events.append(event) }
                #expect(try values(events) == [6, 7, 8, 9])
            }
        }
        let small = simulatorConfiguration { $0.history = MonitorHistoryLimits(maximumEvents: 1000, maximumBytes: 1000) }
        try await withSimulator(configuration: small) { simulator in
            let byBytes = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint/c"], persistent: true))
            try await writeDataPoints(simulator, stream: "c", values: 0..<20)
            let kept = await simulator.store.historyCount(id: byBytes.id)
            #expect(kept > 0 && kept < 20)
        }
    }
}

/// The ``DeviceCloudError`` `body` throws.
func deviceCloudErrorOf(_ body: () async throws -> Void) async throws -> DeviceCloudError {
    do {
        try await body()
    } catch let error as DeviceCloudError {
        return error
    }
    Issue.record("expected a DeviceCloudError")
    throw CancellationError()
}
