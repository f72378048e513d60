import AsyncHTTPClient
import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudProtocol
import DeviceCloudTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing

/// The token the tests' receivers expect.
let receiverToken = Credentials(username: "hook", password: "s3cr3t-token")

/// A receiver configuration for tests: loopback, an ephemeral port, the test token. The default
/// timeouts are ones a test must never meet, so they stretch under a sanitizer (a value a test
/// passes is its own to scale).
func receiverConfiguration(
    acknowledgement: AcknowledgementMode = .explicit,
    handoffTimeout: Duration = Duration.seconds(10).allowingForSanitizers,
    maximumBodySize: Int = 1 << 20,
    maximumWaitingRequests: Int = 16,
    limits: PushLimits = .default,
    port: Int = 0,
    maximumConcurrentReads: Int = 32,
    maximumConnections: Int = 256,
    idleTimeout: Duration = Duration.seconds(30).allowingForSanitizers,
    requestReadTimeout: Duration = Duration.seconds(10).allowingForSanitizers,
    tlsHandshakeTimeout: Duration = Duration.seconds(10).allowingForSanitizers
) throws -> HTTPReceiver.Configuration {
    try HTTPReceiver.Configuration(
        port: port,
        path: "/push",
        token: receiverToken,
        acknowledgement: acknowledgement,
        monitorID: 42,
        maximumBodySize: maximumBodySize,
        limits: limits,
        handoffTimeout: handoffTimeout,
        maximumWaitingRequests: maximumWaitingRequests,
        maximumConcurrentReads: maximumConcurrentReads,
        maximumConnections: maximumConnections,
        idleTimeout: idleTimeout,
        requestReadTimeout: requestReadTimeout,
        tlsHandshakeTimeout: tlsHandshakeTimeout
    )
}

/// The receiver's HTTPS settings in tests: the test CA's server certificate and key.
func testServerTLS() throws -> TLSConfiguration {
    try HTTPReceiver.Configuration.serverTLS(
        certificateChainFile: TestCertificates.path("server.pem"),
        privateKeyFile: TestCertificates.path("server-key.pem")
    )
}

/// A TLS client that trusts the test CA (and nothing else).
func testCAClientTLS() throws -> TLSConfiguration {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(try TestCertificates.caCertificates())
    return tls
}

/// Sends deliveries to a receiver over loopback HTTP, as the service would.
struct DeliverySender: Sendable {
    let client: HTTPClient
    let port: Int
    var scheme = "http"

    /// Sends `body` and returns the status code.
    func send(
        _ body: ByteBuffer,
        post: Bool = false,
        path: String = "/push",
        token: Credentials? = receiverToken,
        headers: [(String, String)] = [("Content-Type", "application/json")]
    ) async throws -> UInt {
        var request = HTTPClientRequest(url: "\(self.scheme)://127.0.0.1:\(self.port)\(path)")
        request.method = post ? .POST : .PUT
        if let token {
            request.headers.add(name: "Authorization", value: basicAuthorization(token))
        }
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(body)
        let response = try await self.client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
        return response.status.code
    }

    /// Sends a block's payload with the content type of its format.
    func send(_ block: PublishMessage, post: Bool = false) async throws -> UInt {
        let type = block.format == .json ? "application/json" : "application/xml"
        return try await self.send(block.payload, post: post, headers: [("Content-Type", type)])
    }
}

/// `Basic …` for a token.
func basicAuthorization(_ token: Credentials) -> String {
    "Basic " + Data("\(token.username):\(token.password)".utf8).base64EncodedString()
}

/// Runs `body` with an HTTP client that is shut down afterwards.
func withHTTPClient<Result: Sendable>(
    configuration: HTTPClient.Configuration = HTTPClient.Configuration(),
    _ body: (HTTPClient) async throws -> Result
) async throws -> Result {
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let result: Result
    do {
        result = try await body(client)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
    return result
}

/// Runs a receiver and hands its stream, a sender aimed at it and its port to `body`.
func withReceiver<Result: Sendable>(
    _ configuration: HTTPReceiver.Configuration? = nil,
    _ body: (AsyncThrowingStream<MonitorBatch, any Error>, DeliverySender) async throws -> Result
) async throws -> Result {
    let resolved = try configuration ?? receiverConfiguration()
    let receiver = HTTPReceiver(configuration: resolved)
    return try await withHTTPClient { client in
        try await receiver.withEvents { batches in
            let port = try #require(receiver.port)
            return try await body(batches, DeliverySender(client: client, port: port))
        }
    }
}

/// The `data` values of a batch's DataPoint events, as integers.
func dataValues(_ batch: MonitorBatch) throws -> [Int64] {
    try batch.events.map { event in
        let point = try event.decode(DataPoint.self)
        return try #require(point.data?.integerValue)
    }
}
