import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("Monitors API errors: throttling, credentials, transport")
struct MonitorsErrorTests {
    @Test("429 answers are retried, then the request succeeds")
    func throttledThenSucceeds() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            simulator.throttling.set(.nextRequests(3))
            let before = simulator.requestCount
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"])
            #expect(simulator.throttling.throttledResponses == 3)
            // Three throttled POSTs, the POST that went through, and the GET of the new record.
            #expect(simulator.requestCount - before == 5)
            #expect(try await cloud.monitors.record(id: monitor.id).id == monitor.id)
        }
    }

    @Test("exhausted retries fail typed, with the status and the number of attempts")
    func throttledExhausted() async throws {
        try await withSimulator { simulator in
            let policy = try RetryPolicy(maximumRetries: 2, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(2))
            try await withCloud(simulator, retry: policy) { cloud in
                simulator.throttling.set(.always)
                let error = try await deviceCloudError { _ = try await records(cloud.monitors.list()) }
                #expect(error.code == .throttled)
                #expect(error.status == 429)
                #expect(error.attempts == 3)
                #expect(simulator.throttling.throttledResponses == 3)
                simulator.throttling.set(.off)
                #expect(try await records(cloud.monitors.list()).isEmpty)
            }
        }
    }

    @Test("with retries off a 429 fails at once")
    func noRetries() async throws {
        try await withSimulator { simulator in
            try await withCloud(simulator, retry: .never) { cloud in
                simulator.throttling.set(.nextRequests(1))
                let error = try await deviceCloudError { _ = try await cloud.monitors.record(id: 1) }
                #expect(error.code == .throttled)
                #expect(error.attempts == 1)
            }
        }
    }

    @Test("bad credentials fail with 401, and nothing shows the password")
    func badCredentials() async throws {
        try await withSimulator { simulator in
            let password = "Wr0ng-Pa55word"
            try await withCloud(simulator, password: password) { cloud in
                let error = try await deviceCloudError { _ = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"]) }
                #expect(error.code == .authenticationFailed)
                #expect(error.status == 401)
                #expect(error.attempts == 1)
                for text in [String(describing: error), error.message, error.body ?? "", String(describing: cloud)] {
                    #expect(!text.contains(password))
                    #expect(!text.contains(TestAccount.password))
                }
            }
        }
    }

    @Test("a service that does not answer fails as a timeout")
    func transportFailure() async throws {
        try await withSilentServer { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)"))
            var configuration = DeviceCloud.Configuration(httpClient: .dedicated())
            configuration.requestTimeout = .milliseconds(200)
            try await withDeviceCloud(url: url, username: "u", password: "p4ssw0rd-x", configuration: configuration) { cloud in
                let error = try await deviceCloudError { _ = try await cloud.monitors.record(id: 1) }
                #expect(error.code == .timedOut)
                #expect(error.status == nil)
                #expect(error.monitorID == 1)
                #expect(!String(describing: error).contains("p4ssw0rd-x"))
            }
        }
    }

    @Test("a URL without a host fails typed before any request")
    func invalidURL() async throws {
        let url = try #require(URL(string: "file:///tmp"))
        try await withDeviceCloud(url: url, username: "u", password: "p") { cloud in
            let error = try await deviceCloudError { _ = try await cloud.monitors.record(id: 1) }
            #expect(error.code == .invalidArgument)
        }
    }

    @Test("the URL's user and password are dropped, and the cloud prints without secrets")
    func userInfoDropped() async throws {
        let url = try #require(URL(string: "https://me:hunter2-pw@remotemanager.example.test/prefix"))
        try await withDeviceCloud(url: url, username: "me", password: "hunter2-pw") { cloud in
            #expect(!cloud.url.absoluteString.contains("hunter2"))
            #expect(!String(describing: cloud).contains("hunter2"))
            #expect(cloud.pushHost == "remotemanager.example.test")
            #expect(cloud.configuration.pushPort == 3201)
        }
    }

    @Test("the default retry policy waits as the reference client does")
    func retryDelays() {
        let policy = RetryPolicy.default
        let delays = (0..<6).map { policy.delay(beforeRetry: $0) }
        #expect(delays == [.seconds(1), .seconds(1.5), .seconds(2.25), .seconds(3.375), .seconds(5.0625), .seconds(7.59375)])
        #expect(policy.delay(beforeRetry: 20) == .seconds(10))
        #expect(policy.delay(beforeRetry: 0, retryAfter: .seconds(60)) == .seconds(10))
        #expect(policy.delay(beforeRetry: 0, retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.maximumRetries == 5)
    }
}
