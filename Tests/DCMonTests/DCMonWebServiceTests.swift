import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// `dcmon ws`, `--request-timeout` and API keys from the environment, against an in-process
/// simulator (or a stalling server) on 127.0.0.1.
@Suite("dcmon ws and API keys", .cpuHeavy)
struct DCMonWebServiceTests {
    static let key = Simulator.APIKey(id: "cli-key", secret: "cli-k3y-s3cret")

    /// Runs dcmon to completion.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String, errors: String) {
        let child = try ChildProcess(try dcmonExecutable(), arguments, environment: environment)
        defer { child.signal(SIGKILL) }
        let status = try await withTimeout(.seconds(60)) { await child.exitStatus() }
        return (status, child.output, child.errorOutput)
    }

    static func environment(_ simulator: Simulator) -> [String: String] {
        ["DC_URL": "http://127.0.0.1:\(simulator.httpPort)", "DC_USERNAME": TestAccount.username, "DC_PASSWORD": TestAccount.password]
    }

    @Test("ws GET with --query prints the body; --include adds the status line and headers")
    func getWithInclude() async throws {
        try await withSimulator { simulator in
            try await simulator.store.create(contentsOf: (0..<3).map { MonitorDefinition(topics: ["Job/\($0)"]) })
            let plain = try await Self.run(
                ["ws", "GET", "/ws/Monitor", "--query", "size=1", "--query", "start=2", "--header", "Accept: application/json"],
                environment: Self.environment(simulator)
            )
            #expect(plain.status == 0, "\(plain.errors)")
            #expect(try MonitorListPage(json: .init(string: plain.output)).items.map(\.topics) == [["Job/2"]])
            #expect(!plain.output.hasPrefix("HTTP/"))

            let included = try await Self.run(
                ["ws", "GET", "/ws/Monitor", "--query", "size=1", "--include", "--header", "Accept: application/json"],
                environment: Self.environment(simulator)
            )
            #expect(included.status == 0, "\(included.errors)")
            #expect(included.output.hasPrefix("HTTP/1.1 200\r\n"))
            let parts = included.output.components(separatedBy: "\r\n\r\n")
            #expect(parts.count == 2)
            #expect(parts.first?.lowercased().contains("content-type: application/json") == true)
            #expect(try MonitorListPage(json: .init(string: parts.last ?? "")).items.map(\.topics) == [["Job/0"]])

            let missing = try await Self.run(["ws", "GET", "/ws/Monitor/777"], environment: Self.environment(simulator))
            #expect(missing.status == 1)
            #expect(missing.errors.contains("404"))
        }
    }

    @Test("--request-timeout ends a request whose answer stalls after the headers")
    func stalledAnswer() async throws {
        try await withStallingHTTPServer { port in
            let started = ContinuousClock.now
            let result = try await Self.run(
                ["ws", "GET", "/ws/DeviceCore", "--request-timeout", "0.5"],
                environment: ["DC_URL": "http://127.0.0.1:\(port)", "DC_USERNAME": "u", "DC_PASSWORD": "p4ss-w0rd-cli"]
            )
            #expect(result.status == 1)
            #expect(result.errors.contains("timedOut"), "\(result.errors)")
            #expect(!result.errors.contains("p4ss-w0rd-cli"))
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test("DC_API_KEY_ID and DC_API_KEY_SECRET authenticate without a user name; the secret is never printed")
    func apiKeyFromEnvironment() async throws {
        var configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
        configuration.apiKey = Self.key
        try await withSimulator(configuration: configuration) { simulator in
            try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"]))
            let url = "http://127.0.0.1:\(simulator.httpPort)"
            let listed = try await Self.run(
                ["monitors", "list", "--json"],
                environment: ["DC_URL": url, "DC_API_KEY_ID": Self.key.id, "DC_API_KEY_SECRET": Self.key.secret]
            )
            #expect(listed.status == 0, "\(listed.errors)")
            #expect(listed.output.contains("\"monTopic\":\"DataPoint\""))

            let wrong = try await Self.run(
                ["monitors", "list"],
                environment: ["DC_URL": url, "DC_API_KEY_ID": Self.key.id, "DC_API_KEY_SECRET": "wr0ng-cli-s3cret"]
            )
            #expect(wrong.status == 1)
            #expect(wrong.errors.contains("authenticationFailed"))
            for text in [listed.output, listed.errors, wrong.output, wrong.errors] {
                #expect(!text.contains(Self.key.secret))
                #expect(!text.contains("wr0ng-cli-s3cret"))
            }

            let half = try await Self.run(["monitors", "list"], environment: ["DC_URL": url, "DC_API_KEY_ID": Self.key.id])
            #expect(half.status == 1)
            #expect(half.errors.contains("DC_API_KEY_SECRET"))
        }
    }
}
