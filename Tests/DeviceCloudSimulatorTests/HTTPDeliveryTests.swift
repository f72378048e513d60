import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import Testing

@Suite("Monitor delivery to HTTP monitors, received by a real local HTTP server")
struct HTTPDeliveryTests {
    static let token = "hook:h00k-S3cret"

    /// Retries fast enough for tests; the window is long unless a test shortens it.
    static func configuration(failureWindow: Duration = .seconds(60)) -> Simulator.Configuration {
        simulatorConfiguration {
            $0.httpDelivery = HTTPDeliveryPolicy(
                failureWindow: failureWindow,
                initialBackoff: .milliseconds(10),
                maximumBackoff: .milliseconds(40)
            )
        }
    }

    static func httpMonitor(
        _ simulator: Simulator,
        url: String,
        topics: [String],
        token: String = token,
        method: MonitorHTTPMethod? = nil,
        headers: [String: String]? = nil,
        batchSize: Int = 1,
        format: MonitorFormat = .json,
        compression: MonitorCompression = .uncompressed
    ) async throws -> UInt32 {
        try await simulator.store.create(
            MonitorDefinition(
                topics: topics, transportType: .http, format: format, batchSize: batchSize, compression: compression,
                transportURL: url, transportToken: token, transportMethod: method, transportHeaders: headers)
        ).id
    }

    /// The DataPoint values of a delivered body.
    static func values(of request: RecordingHTTPServer.Request, format: PayloadFormat, compression: PayloadCompression) throws -> [Int] {
        let message = PublishMessage(blockID: 0, count: 0, compression: compression, format: format, payload: request.body)
        return try DeviceCloudSimulatorTests.values(try BlockDecoder().decode(message).events)
    }

    /// The DataPoint values of each delivered body.
    static func values(of requests: [RecordingHTTPServer.Request], format: PayloadFormat, compression: PayloadCompression) throws -> [[Int]] {
        var result: [[Int]] = []
        for request in requests { result.append(try Self.values(of: request, format: format, compression: compression)) }
        return result
    }

    @Test("each block goes to the URL with the method, basic auth, extra headers and content type; XML and zlib too")
    func delivery() async throws {
        let receiver = RecordingHTTPServer(username: "hook", password: "h00k-S3cret")
        try await receiver.run { base in
            try await withSimulator(configuration: Self.configuration()) { simulator in
                let json = try await Self.httpMonitor(
                    simulator, url: "\(base)/hook/json", topics: ["DataPoint/json"],
                    // Framing headers cannot be set by a monitor: these two are left out.
                    headers: ["X-Site": "plant 7", "Content-Length": "1", "Host": "elsewhere.example.test"], batchSize: 2)
                let xml = try await Self.httpMonitor(
                    simulator, url: "\(base)/hook/xml", topics: ["DataPoint/xml"], method: .post, batchSize: 3,
                    format: .xml, compression: .zlib)
                try await writeDataPoints(simulator, stream: "json", values: 0..<4)
                try await writeDataPoints(simulator, stream: "xml", values: 0..<3)
                let requests = try await withTimeout { try await receiver.wait { $0.count == 3 } }
                let allAccepted = requests.allSatisfy { $0.status == 200 }
                #expect(allAccepted)

                let jsonRequests = requests.filter { $0.path == "/hook/json" }
                #expect(jsonRequests.map(\.method) == ["PUT", "PUT"])
                let jsonHeaders = jsonRequests.filter { $0.headers["content-type"] == "application/json" && $0.headers["x-site"] == "plant 7" }
                #expect(jsonHeaders.count == 2)
                let hosts = Set(jsonRequests.compactMap { $0.headers["host"] })
                #expect(!hosts.contains("elsewhere.example.test"))
                #expect(try Self.values(of: jsonRequests, format: .json, compression: .none) == [[0, 1], [2, 3]])

                let xmlRequests = requests.filter { $0.path == "/hook/xml" }
                let xmlRequest = try #require(xmlRequests.first)
                #expect(xmlRequest.method == "POST")
                #expect(xmlRequest.headers["content-type"] == "application/xml")
                #expect(xmlRequest.headers["content-encoding"] == nil)
                #expect(xmlRequest.body.getInteger(at: xmlRequest.body.readerIndex, as: UInt8.self) == 0x78)  // a zlib stream
                #expect(try Self.values(of: xmlRequest, format: .xml, compression: .zlib) == [0, 1, 2])

                for id in [json, xml] {
                    let record = try await withTimeout {
                        try await simulator.store.wait(forMonitor: id) { $0?.status == .active && $0?.lastSent != nil }
                    }
                    #expect(record?.lastConnect != nil)
                }
            }
        }
    }

    @Test("a failing server gets the same block again with backoff until it accepts; blocks stay in order")
    func retries() async throws {
        let receiver = RecordingHTTPServer(username: "hook", password: "h00k-S3cret")
        receiver.fail(next: 3)
        try await receiver.run { base in
            try await withSimulator(configuration: Self.configuration()) { simulator in
                let id = try await Self.httpMonitor(simulator, url: "\(base)/hook/retry", topics: ["DataPoint"])
                try await writeDataPoints(simulator, stream: "s", values: 0..<3)
                let requests = try await withTimeout {
                    try await receiver.wait { $0.filter { $0.status == 200 }.count == 3 }
                }
                #expect(requests.map(\.status) == [503, 503, 503, 200, 200, 200])
                #expect(try Self.values(of: requests, format: .json, compression: .none) == [[0], [0], [0], [0], [1], [2]])
                #expect(await simulator.store.deliveryStatistics(id: id)?.deliveryFailures == 3)
                try await withTimeout { try await simulator.store.wait(forMonitor: id) { $0?.status == .active } }
            }
        }
    }

    @Test("after the failure window the monitor is DISABLED and records nothing; a PUT enables it again")
    func disabledAfterWindow() async throws {
        let receiver = RecordingHTTPServer(username: "hook", password: "h00k-S3cret")
        try await receiver.run { base in
            try await withSimulator(configuration: Self.configuration(failureWindow: .milliseconds(300))) { simulator in
                let store = simulator.store
                // The wrong password: the server answers 401 to every attempt.
                let id = try await Self.httpMonitor(simulator, url: "\(base)/hook/disabled", topics: ["DataPoint"], token: "hook:wrong")
                try await writeDataPoints(simulator, stream: "s", values: [0])
                let disabled = try await withTimeout { try await store.wait(forMonitor: id) { $0?.status == .disabled } }
                #expect(disabled?.status == .disabled)
                let failed = receiver.requests
                #expect(failed.count >= 2)
                let statuses = Set(failed.map(\.status))
                #expect(statuses == [401])
                let afterDisable = try #require(await store.deliveryStatistics(id: id))
                #expect(afterDisable.deliveryFailures == failed.count)
                #expect(afterDisable.eventsDropped == 1)
                #expect(afterDisable.readyBlocks == 0 && afterDisable.inFlightBlocks == 0)

                try await writeDataPoints(simulator, stream: "s", values: [1, 2])
                let whileDisabled = try #require(await store.deliveryStatistics(id: id))
                #expect(whileDisabled.eventsDropped == 3)
                #expect(whileDisabled.eventsAccepted == afterDisable.eventsAccepted)

                let update = try await send(
                    simulator, "PUT", "Monitor/\(id)",
                    body: "<Monitor><monTransportToken>\(Self.token)</monTransportToken></Monitor>")
                #expect(update.status == 200)
                #expect(await store.record(id: id)?.status == .inactive)
                try await writeDataPoints(simulator, stream: "s", values: [3])
                let requests = try await withTimeout { try await receiver.wait { $0.last?.status == 200 } }
                #expect(requests.count == failed.count + 1)
                #expect(try Self.values(of: try #require(requests.last), format: .json, compression: .none) == [3])
                try await withTimeout { try await store.wait(forMonitor: id) { $0?.status == .active } }
            }
        }
    }
}
