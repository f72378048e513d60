import DeviceCloud
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOSSL

/// A session configuration for a test server on 127.0.0.1.
func sessionConfiguration(
    port: Int,
    monitorID: UInt32 = 1,
    transport: PushTransport = .plain,
    username: String = TestAccount.username,
    password: String = TestAccount.password,
    acknowledgement: AcknowledgementMode = .explicit,
    reconnect: ReconnectPolicy = fastReconnect,
    handshakeTimeout: Duration = .seconds(10).allowingForSanitizers
) -> PushSession.Configuration {
    PushSession.Configuration(
        host: "127.0.0.1",
        port: port,
        transport: transport,
        credentials: Credentials(username: username, password: password),
        monitorID: monitorID,
        acknowledgement: acknowledgement,
        handshakeTimeout: handshakeTimeout,
        reconnect: reconnect
    )
}

/// The error a stream ends with, or `nil` when it ends normally, after consuming it.
func streamError(_ stream: AsyncThrowingStream<MonitorBatch, any Error>) async -> (any Error)? {
    do {
        for try await _ in stream {}
        return nil
    } catch {
        return error
    }
}

/// TLS options trusting only the test CA.
func trustingTestCA(serverHostname: String? = nil) throws -> PushTransport {
    .tls(PushTLSOptions(trustRoots: .certificates(try TestCertificates.caCertificates()), serverHostname: serverHostname))
}

/// Takes `count` batches from a stream (acknowledging each when asked).
func collect(
    _ stream: AsyncThrowingStream<MonitorBatch, any Error>,
    count: Int,
    acknowledge: Bool = false
) async throws -> [MonitorBatch] {
    var batches: [MonitorBatch] = []
    guard count > 0 else { return batches }
    for try await batch in stream {
        batches.append(batch)
        if acknowledge { await batch.acknowledge() }
        if batches.count == count { break }
    }
    return batches
}

/// Reconnects after 10 ms, at most 50 ms apart: tests never wait for real backoff.
var fastReconnect: ReconnectPolicy {
    var policy = ReconnectPolicy.default
    policy.initialBackoff = .milliseconds(10)
    policy.maximumBackoff = .milliseconds(50)
    return policy
}
