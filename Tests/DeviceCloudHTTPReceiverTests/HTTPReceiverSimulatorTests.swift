import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// The simulator delivers an HTTP monitor's blocks to the receiver over loopback HTTP, as the
/// service would: DataPoints written over REST come out of the receiver's stream.
@Suite("HTTPReceiver with the simulator")
struct HTTPReceiverSimulatorTests {
    @Test(
        "events arrive in order, in JSON and XML, zlib and none, by PUT and POST",
        arguments: [MonitorFormat.json, .xml], [MonitorCompression.zlib, .uncompressed]
    )
    func deliversInOrder(format: MonitorFormat, compression: MonitorCompression) async throws {
        try await withTimeout(.seconds(30)) {
            try await withSimulatorAndCloud { simulator, cloud in
                let receiver = HTTPReceiver(configuration: try receiverConfiguration())
                try await receiver.withEvents { batches in
                    let monitor = try await cloud.monitors.createHTTPMonitor(
                        topics: ["DataPoint"],
                        url: try receiverURL(receiver),
                        options: HTTPMonitorOptions(
                            token: receiverToken,
                            method: format == .json ? .put : .post,
                            // Each delivery is answered only once the loop below acknowledged it;
                            // under a sanitizer that can take longer than the service's 5 s default.
                            responseTimeout: Duration.seconds(5).allowingForSanitizers,
                            batchSize: 2,
                            compression: compression,
                            format: format
                        )
                    )
                    try await cloud.dataPoints.write(points(0..<6))
                    var values: [Int64] = []
                    var blockIDs: [UInt16] = []
                    for try await batch in batches {
                        #expect(batch.format == (format == .json ? .json : .xml))
                        #expect(batch.compression == (compression == .zlib ? .zlib : .none))
                        #expect(batch.events.allSatisfy { $0.topic == "7603/DataPoint/plant7" })
                        values += try dataValues(batch)
                        blockIDs.append(batch.blockID)
                        await batch.acknowledge()
                        if values.count >= 6 { break }
                    }
                    #expect(values == [0, 1, 2, 3, 4, 5])
                    #expect(blockIDs == [0, 1, 2])
                    let record = try await simulator.store.wait(forMonitor: monitor.id) { $0?.status == .active }
                    #expect(record?.status == .active)
                }
            }
        }
    }

    @Test("a wrong token is answered 401, the simulator retries, and the block arrives once the token matches")
    func wrongTokenIsRetried() async throws {
        try await withTimeout(.seconds(30)) {
            try await withSimulatorAndCloud(configuration: fastRetries) { simulator, cloud in
                let monitorToken = Credentials(username: "hook", password: "other-token")
                // The first receiver expects another token: every attempt gets 401.
                let refusing = HTTPReceiver(configuration: try receiverConfiguration())
                let (port, monitorID) = try await refusing.withEvents { _ in
                    let monitor = try await cloud.monitors.createHTTPMonitor(
                        topics: ["DataPoint"],
                        url: try receiverURL(refusing),
                        options: HTTPMonitorOptions(token: monitorToken, batchSize: 1)
                    )
                    try await cloud.dataPoints.write(points(0..<1))
                    try await simulator.store.wait(forMonitor: monitor.id) { $0?.status == .connecting }
                    return (try #require(refusing.port), monitor.id)
                }
                let failures = try #require(await simulator.store.deliveryStatistics(id: monitorID)).deliveryFailures
                #expect(failures >= 1)

                // A receiver with the monitor's token on the same port gets the retried block.
                var configuration = try receiverConfiguration(port: port)
                configuration.token = monitorToken
                let accepting = HTTPReceiver(configuration: configuration)
                try await accepting.withEvents { batches in
                    var iterator = batches.makeAsyncIterator()
                    let batch = try #require(try await iterator.next())
                    #expect(try dataValues(batch) == [0])
                    await batch.acknowledge()
                }
                try await simulator.store.wait(forMonitor: monitorID) { $0?.status == .active }
                let statistics = try #require(await simulator.store.deliveryStatistics(id: monitorID))
                #expect(statistics.blocksSent == 1)
                #expect(statistics.eventsDropped == 0)
            }
        }
    }

    @Test("a batch not acknowledged in time gets no 2xx: the simulator redelivers it and nothing is lost")
    func unacknowledgedBatchIsRedelivered() async throws {
        try await withTimeout(.seconds(30)) {
            try await withSimulatorAndCloud(configuration: fastRetries) { simulator, cloud in
                let configuration = try receiverConfiguration(handoffTimeout: Duration.milliseconds(300).allowingForSanitizers)
                let receiver = HTTPReceiver(configuration: configuration)
                try await receiver.withEvents { batches in
                    let monitor = try await cloud.monitors.createHTTPMonitor(
                        topics: ["DataPoint"],
                        url: try receiverURL(receiver),
                        options: HTTPMonitorOptions(token: receiverToken, batchSize: 2, compression: .zlib)
                    )
                    try await cloud.dataPoints.write(points(0..<4))
                    var iterator = batches.makeAsyncIterator()
                    let unacknowledged = try #require(try await iterator.next())
                    #expect(try dataValues(unacknowledged) == [0, 1])
                    // Not acknowledged: answered 503 after the wait, and sent again.
                    let again = try #require(try await iterator.next())
                    #expect(try dataValues(again) == [0, 1])
                    #expect(again.blockID != unacknowledged.blockID)
                    #expect(await unacknowledged.acknowledge() == false)
                    #expect(await again.acknowledge())
                    let next = try #require(try await iterator.next())
                    #expect(try dataValues(next) == [2, 3])
                    #expect(await next.acknowledge())
                    let statistics = try #require(await simulator.store.deliveryStatistics(id: monitor.id))
                    #expect(statistics.deliveryFailures >= 1)
                    #expect(statistics.eventsDropped == 0)
                }
            }
        }
    }

    @Test("a consumer that stops before acknowledging causes a retry, not a loss")
    func consumerStoppingLosesNothing() async throws {
        try await withTimeout(.seconds(30)) {
            try await withSimulatorAndCloud(configuration: fastRetries) { simulator, cloud in
                let first = HTTPReceiver(configuration: try receiverConfiguration())
                let (port, monitorID) = try await first.withEvents { batches in
                    let monitor = try await cloud.monitors.createHTTPMonitor(
                        topics: ["DataPoint"],
                        url: try receiverURL(first),
                        options: HTTPMonitorOptions(token: receiverToken, batchSize: 3, format: .xml)
                    )
                    try await cloud.dataPoints.write(points(0..<3))
                    var iterator = batches.makeAsyncIterator()
                    let batch = try #require(try await iterator.next())
                    #expect(try dataValues(batch) == [0, 1, 2])
                    // Returns without acknowledging, as a crashing consumer would.
                    return (try #require(first.port), monitor.id)
                }
                let second = HTTPReceiver(configuration: try receiverConfiguration(port: port))
                try await second.withEvents { batches in
                    var iterator = batches.makeAsyncIterator()
                    let batch = try #require(try await iterator.next())
                    #expect(try dataValues(batch) == [0, 1, 2])
                    #expect(await batch.acknowledge())
                }
                try await simulator.store.wait(forMonitor: monitorID) { $0?.status == .active }
                let statistics = try #require(await simulator.store.deliveryStatistics(id: monitorID))
                #expect(statistics.blocksSent == 1)
                #expect(statistics.deliveryFailures >= 1)
            }
        }
    }
}

/// A simulator that retries HTTP deliveries within milliseconds.
private let fastRetries = Simulator.Configuration(
    username: TestAccount.username,
    password: TestAccount.password,
    httpDelivery: HTTPDeliveryPolicy(initialBackoff: .milliseconds(20), multiplier: 1.5, maximumBackoff: .milliseconds(100))
)

/// DataPoints on `plant7` whose values are the given numbers.
private func points(_ values: Range<Int>) -> [DataPoints.Point] {
    values.map { DataPoints.Point(stream: "plant7", value: "\($0)") }
}

/// The receiver's delivery URL.
private func receiverURL(_ receiver: HTTPReceiver) throws -> URL {
    let port = try #require(receiver.port)
    return try #require(URL(string: "http://127.0.0.1:\(port)/push"))
}

/// A running simulator and a cloud talking to it over REST.
private func withSimulatorAndCloud<Result: Sendable>(
    configuration: Simulator.Configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password),
    _ body: (Simulator, DeviceCloud) async throws -> Result
) async throws -> Result {
    try await withSimulator(configuration: configuration) { simulator in
        let url = try #require(URL(string: "http://127.0.0.1:\(simulator.httpPort)"))
        return try await withDeviceCloud(url: url, username: TestAccount.username, password: TestAccount.password) { cloud in
            try await body(simulator, cloud)
        }
    }
}
