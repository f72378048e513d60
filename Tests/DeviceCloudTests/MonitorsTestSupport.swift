import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// Retries fast enough for tests: the behaviour under test is the count, not the wait.
let quickRetries: RetryPolicy = {
    var policy = RetryPolicy.default
    policy.initialDelay = .milliseconds(1)
    policy.maximumDelay = .milliseconds(5)
    return policy
}()

/// The simulator's REST base URL.
func serviceURL(_ simulator: Simulator) throws -> URL {
    try #require(URL(string: "http://127.0.0.1:\(simulator.httpPort)"))
}

/// A cloud talking to `simulator` over 127.0.0.1 (plain push by default), for the duration of `body`.
func withCloud<Result: Sendable>(
    _ simulator: Simulator,
    username: String = TestAccount.username,
    password: String = TestAccount.password,
    retry: RetryPolicy = quickRetries,
    pushTransport: PushTransport = .plain,
    requestTimeout: Duration = .seconds(10).allowingForSanitizers,
    pageSize: Int = 1000,
    _ body: (DeviceCloud) async throws -> Result
) async throws -> Result {
    let configuration = DeviceCloud.Configuration(
        httpClient: .dedicated(),
        retry: retry,
        requestTimeout: requestTimeout,
        pageSize: pageSize,
        pushTransport: pushTransport,
        plainPushPort: simulator.pushPort,
        tlsPushPort: simulator.tlsPushPort ?? 3201,
        pushReconnect: fastReconnect
    )
    return try await withDeviceCloud(
        url: try serviceURL(simulator),
        username: username,
        password: password,
        configuration: configuration,
        body
    )
}

/// A running simulator and a cloud connected to it.
func withSimulatorAndCloud<Result: Sendable>(
    configuration: Simulator.Configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password),
    pushTransport: PushTransport = .plain,
    _ body: (Simulator, DeviceCloud) async throws -> Result
) async throws -> Result {
    try await withSimulator(configuration: configuration) { simulator in
        try await withCloud(simulator, pushTransport: pushTransport) { cloud in
            try await body(simulator, cloud)
        }
    }
}

/// The error `body` throws, as a ``DeviceCloudError``.
func deviceCloudError(_ body: () async throws -> Void) async throws -> DeviceCloudError {
    do {
        try await body()
    } catch let error as DeviceCloudError {
        return error
    }
    Issue.record("expected a DeviceCloudError")
    throw MissingError()
}

/// Thrown when an expected error did not happen.
struct MissingError: Error {}

/// The records of every monitor a list yields.
func records(_ list: MonitorList) async throws -> [MonitorRecord] {
    var records: [MonitorRecord] = []
    for try await monitor in list {
        records.append(await monitor.record)
    }
    return records
}
