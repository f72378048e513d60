import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("API keys: X-API-KEY-ID and X-API-KEY-SECRET for the web services, never printed")
struct APIKeyTests {
    private static let key = Simulator.APIKey(id: "key-1234", secret: "k3y-s3cret-value")

    private func configuration(_ simulator: Simulator) -> DeviceCloud.Configuration {
        DeviceCloud.Configuration(
            httpClient: .dedicated(),
            retry: quickRetries,
            requestTimeout: .seconds(10).allowingForSanitizers,
            pushTransport: .plain,
            plainPushPort: simulator.pushPort,
            pushReconnect: fastReconnect
        )
    }

    /// A cloud with `authentication` for the duration of `body`, shut down afterwards.
    private func withCloud<Result: Sendable>(
        _ simulator: Simulator,
        _ authentication: DeviceCloud.Authentication,
        pushCredentials: Credentials? = nil,
        _ body: (DeviceCloud) async throws -> Result
    ) async throws -> Result {
        let cloud = DeviceCloud(
            url: try serviceURL(simulator),
            authentication: authentication,
            pushCredentials: pushCredentials,
            configuration: configuration(simulator)
        )
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(cloud))
        } catch {
            result = .failure(error)
        }
        try await cloud.shutdown()
        return try result.get()
    }

    private func withKeyedSimulator<Result: Sendable>(_ body: (Simulator) async throws -> Result) async throws -> Result {
        var configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
        configuration.apiKey = Self.key
        return try await withSimulator(configuration: configuration, body)
    }

    @Test("a cloud with an API key manages monitors and reaches any web service")
    func restWithKey() async throws {
        try await withKeyedSimulator { simulator in
            try await withCloud(simulator, .apiKey(id: Self.key.id, secret: Self.key.secret)) { cloud in
                let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: TCPMonitorOptions(description: "by key"))
                #expect(try await cloud.monitors.record(id: monitor.id).description == "by key")
                let answer = try await cloud.webService.send(.get, path: "/ws/Monitor", headers: [("Accept", "application/json")])
                #expect(try MonitorListPage(json: answer.body).items.map(\.id) == [monitor.id])
                #expect(cloud.pushCredentials == nil)
            }
        }
    }

    @Test("a wrong secret is refused, and no text shows the secret")
    func wrongSecret() async throws {
        try await withKeyedSimulator { simulator in
            let wrong = "wr0ng-s3cret-value"
            try await withCloud(simulator, .apiKey(id: Self.key.id, secret: wrong)) { cloud in
                let error = try await deviceCloudError { _ = try await cloud.monitors.record(id: 1) }
                #expect(error.code == .authenticationFailed)
                var dumped = ""
                dump(cloud.authentication, to: &dumped)
                for text in [
                    String(describing: error), error.message, String(describing: cloud), String(describing: cloud.authentication),
                    String(reflecting: cloud.authentication), dumped, String(describing: Self.key),
                ] {
                    #expect(!text.contains(wrong))
                    #expect(!text.contains(Self.key.secret))
                }
                #expect(String(describing: cloud.authentication).contains(Self.key.id))
            }
        }
    }

    @Test("a key-only cloud's monitors cannot stream: push needs a user name and password")
    func pushNeedsCredentials() async throws {
        try await withKeyedSimulator { simulator in
            let record = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], transportType: .tcp))
            try await withCloud(simulator, .apiKey(id: Self.key.id, secret: Self.key.secret)) { keyOnly in
                let monitor = try #require(try await keyOnly.monitors.monitor(id: record.id) as? TCPMonitor)
                do {
                    for try await _ in await monitor.events() {}
                    Issue.record("a key-only cloud streamed")
                } catch let error as PushSessionError {
                    #expect(error.code == .authenticationFailed)
                    #expect(error.message.contains("API key"))
                }
                #expect(simulator.pushServer.snapshot.connectedMonitors.isEmpty)
            }

            // The same key with push credentials streams.
            let push = Credentials(username: TestAccount.username, password: TestAccount.password)
            try await withCloud(simulator, .apiKey(id: Self.key.id, secret: Self.key.secret), pushCredentials: push) { both in
                let streaming = try #require(try await both.monitors.monitor(id: record.id) as? TCPMonitor)
                let id = record.id
                let batches = try await withTimeout {
                    try await streaming.withEvents { stream in
                        try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) }
                        try await simulator.pushServer.publish(try SampleEvents.block(1, events: 2), to: id)
                        return try await collect(stream, count: 1)
                    }
                }
                #expect(batches.map(\.events.count) == [2])
            }
        }
    }
}
