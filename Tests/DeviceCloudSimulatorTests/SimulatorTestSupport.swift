import AsyncHTTPClient
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

/// An answer of the simulator's HTTP side.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: String
}

/// Sends a request to the simulator's `/ws/…` with the test account (or without credentials).
func send(
    _ simulator: Simulator,
    _ method: String,
    _ path: String,
    body: String? = nil,
    contentType: String? = nil,
    authenticated: Bool = true
) async throws -> HTTPAnswer {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(simulator.httpPort)/ws/\(path)")
    request.method = .RAW(value: method)
    if authenticated {
        let token = Data("\(TestAccount.username):\(TestAccount.password)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(token)")
    }
    if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).allowingForSanitizers)
    let bytes = try await response.body.collect(upTo: 1024 * 1024)
    return HTTPAnswer(status: Int(response.status.code), body: String(buffer: bytes))
}

/// `POST /ws/DataPoint` with `<list>` of points valued `values` on `stream`; requires 201.
func writeDataPoints(_ simulator: Simulator, stream: String, values: some Sequence<Int>) async throws {
    var body = "<list>"
    for value in values {
        body += "<DataPoint><streamId>\(stream)</streamId><data>\(value)</data></DataPoint>"
    }
    body += "</list>"
    let answer = try await send(simulator, "POST", "DataPoint", body: body, contentType: "application/xml")
    try #require(answer.status == 201, "\(answer.body)")
}

/// A push session to one of the simulator's monitors that reconnects quickly.
func pushSession(
    _ simulator: Simulator,
    monitorID: UInt32,
    acknowledgement: AcknowledgementMode = .off,
    reconnect: ReconnectPolicy = fastReconnect
) -> PushSession {
    PushSession(
        configuration: PushSession.Configuration(
            host: "127.0.0.1",
            port: simulator.pushPort,
            transport: .plain,
            credentials: Credentials(username: TestAccount.username, password: TestAccount.password),
            monitorID: monitorID,
            acknowledgement: acknowledgement,
            handshakeTimeout: .seconds(10).allowingForSanitizers,
            reconnect: reconnect
        )
    )
}

/// Creates a TCP monitor in the simulator's store.
func tcpMonitor(
    _ simulator: Simulator,
    topics: [String] = ["DataPoint"],
    batchSize: Int = 1,
    batchDuration: Duration = .seconds(10),
    format: MonitorFormat = .json,
    compression: MonitorCompression = .uncompressed,
    acknowledgement: MonitorAckOption = .off,
    autoReplay: Bool = false
) async throws -> UInt32 {
    try await simulator.store.create(
        MonitorDefinition(
            topics: topics,
            transportType: .tcp,
            format: format,
            batchSize: batchSize,
            batchDuration: batchDuration,
            compression: compression,
            acknowledgement: acknowledgement,
            autoReplayOnConnect: autoReplay
        )
    ).id
}

/// Waits until the simulator has the monitor's client connected (and the store knows it).
func awaitConnected(_ simulator: Simulator, _ ids: UInt32...) async throws {
    try await simulator.pushServer.wait { snapshot in ids.allSatisfy { snapshot.connectedMonitors.contains($0) } }
}

/// The `data` field of a resource (a DataPoint's, or of any raised event that has one).
private struct DataField: Decodable {
    var data: DataPoint.Value?
}

/// The integer `data` values of an event list.
func values(_ events: [MonitorEvent]) throws -> [Int] {
    try events.map { event in
        let field = try event.decode(DataField.self)
        let value = field.data?.integerValue
        return Int(try #require(value, "an event without an integer data value"))
    }
}

/// The DataPoint values of a batch, as integers.
func values(_ batch: MonitorBatch) throws -> [Int] {
    try values(batch.events)
}

/// The values of each batch.
///
/// Tests keep closures out of `#expect`/`#require` arguments: with this toolchain a closure
/// written inside the macro's argument has been seen to run in place of the next closure of the
/// same type in the function (a closure-discriminator clash), so expectations compare values
/// computed beforehand.
func valuesPerBatch(_ batches: [MonitorBatch]) throws -> [[Int]] {
    var result: [[Int]] = []
    for batch in batches { result.append(try values(batch)) }
    return result
}

/// The values of all batches, in order.
func allValues(_ batches: [MonitorBatch]) throws -> [Int] {
    try valuesPerBatch(batches).flatMap(\.self)
}

/// Takes batches from a stream until `done` says so, acknowledging each when asked.
func receive(
    _ stream: AsyncThrowingStream<MonitorBatch, any Error>,
    acknowledge: Bool = false,
    until done: ([MonitorBatch]) throws -> Bool
) async throws -> [MonitorBatch] {
    var batches: [MonitorBatch] = []
    for try await batch in stream {
        batches.append(batch)
        if acknowledge { await batch.acknowledge() }
        if try done(batches) { break }
    }
    return batches
}

/// A simulator configuration for the test account with the given changes.
func simulatorConfiguration(_ change: (inout Simulator.Configuration) -> Void = { _ in }) -> Simulator.Configuration {
    var configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
    change(&configuration)
    return configuration
}

/// Reconnects after 10 ms, at most 50 ms apart: tests never wait for real backoff.
var fastReconnect: ReconnectPolicy {
    var policy = ReconnectPolicy.default
    policy.initialBackoff = .milliseconds(10)
    policy.maximumBackoff = .milliseconds(50)
    return policy
}
