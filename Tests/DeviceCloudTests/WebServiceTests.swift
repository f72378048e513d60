import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

@Suite("cloud.webService: any web service, with the cloud's authentication, retries and deadline")
struct WebServiceTests {
    @Test("GET with a query answers status, headers and body; every spelling of the path works")
    func getWithQuery() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            try await simulator.store.create(contentsOf: (0..<3).map { MonitorDefinition(topics: ["Job/\($0)"]) })
            for path in ["/ws/Monitor", "ws/Monitor", "Monitor"] {
                let answer = try await cloud.webService.send(
                    .get,
                    path: path,
                    query: [("start", "1"), ("size", "1")],
                    headers: [("Accept", "application/json")]
                )
                #expect(answer.status == 200)
                #expect(answer.header("content-type")?.contains("json") == true)
                let page = try MonitorListPage(json: answer.body)
                #expect(page.items.map(\.topics) == [["Job/1"]])
                #expect(page.totalRows == 3)
            }
        }
    }

    @Test("POST sends the body with the caller's content type")
    func postWithBody() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let answer = try await cloud.webService.send(
                .post,
                path: "/ws/Monitor",
                headers: [("Content-Type", "application/xml")],
                body: ByteBuffer(string: "<Monitor><monTopic>DeviceCore</monTopic><monTransportType>tcp</monTransportType></Monitor>")
            )
            #expect(answer.status == 201)
            let id = try MonitorCreationResult(xml: answer.body).monitorID
            #expect(await simulator.store.record(id: id)?.topics == ["DeviceCore"])
        }
    }

    @Test("429 answers are retried by the cloud's policy")
    func throttled() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            simulator.throttling.set(.nextRequests(2))
            let answer = try await cloud.webService.send(.get, path: "/ws/Monitor")
            #expect(answer.status == 200)
            #expect(simulator.throttling.throttledResponses == 2)
            simulator.throttling.set(.always)
            let error = try await deviceCloudError { _ = try await cloud.webService.send(.get, path: "/ws/Monitor") }
            #expect(error.code == .throttled)
            #expect(error.attempts == quickRetries.maximumRetries + 1)
        }
    }

    @Test("an answer outside 2xx throws with its status and body, never the password")
    func failure() async throws {
        try await withSimulatorAndCloud { _, cloud in
            let error = try await deviceCloudError { _ = try await cloud.webService.send(.get, path: "/ws/Monitor/4242") }
            #expect(error.code == .notFound)
            #expect(error.status == 404)
            #expect(error.body?.contains("no such monitor") == true)
            #expect(!String(describing: error).contains(TestAccount.password))
        }
    }

    @Test("the authentication headers are the cloud's: giving one fails before any request")
    func reservedHeaders() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            for name in ["Authorization", "x-api-key-id", "X-API-KEY-SECRET"] {
                let before = simulator.requestCount
                let error = try await deviceCloudError {
                    _ = try await cloud.webService.send(.get, path: "/ws/Monitor", headers: [(name, "x")])
                }
                #expect(error.code == .invalidArgument)
                #expect(simulator.requestCount == before)
            }
        }
    }

    @Test("a server that sends headers and then stalls fails as timedOut within the request timeout")
    func stalledBody() async throws {
        try await withStallingHTTPServer { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)"))
            var configuration = DeviceCloud.Configuration(httpClient: .dedicated())
            configuration.requestTimeout = .milliseconds(300)
            try await withDeviceCloud(url: url, username: "u", password: "p4ssw0rd-x", configuration: configuration) { cloud in
                let started = ContinuousClock.now
                let error = try await withTimeout(.seconds(20)) {
                    try await deviceCloudError { _ = try await cloud.webService.send(.get, path: "/ws/DeviceCore") }
                }
                #expect(error.code == .timedOut)
                #expect(ContinuousClock.now - started < Duration.seconds(10).allowingForSanitizers)
                // The REST layer shares the deadline.
                let record = try await withTimeout(.seconds(20)) {
                    try await deviceCloudError { _ = try await cloud.monitors.record(id: 1) }
                }
                #expect(record.code == .timedOut)
                #expect(record.monitorID == 1)
                #expect(!String(describing: record).contains("p4ssw0rd-x"))
            }
        }
    }
}
