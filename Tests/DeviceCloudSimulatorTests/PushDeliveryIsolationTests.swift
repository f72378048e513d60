import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import NIOPosix
import Testing

@Suite("Monitor delivery: connections do not hold each other up")
struct PushDeliveryIsolationTests {
    @Test("a client that never reads is pushed back on while another monitor's client gets everything")
    func slowClientDoesNotBlockOthers() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let slow = try await tcpMonitor(simulator, batchSize: 10, autoReplay: true)
            let fast = try await tcpMonitor(simulator, batchSize: 10)
            let total = 1_000
            let filler = String(repeating: "x", count: 100)
            let events = (0..<total).map { index in
                RaisedEvent(
                    resourceType: "DataPoint", path: "big", operation: .insertion,
                    resource: .object([("streamId", .string("big")), ("data", .number("\(index)")), ("description", .string(filler))]),
                    timestamp: "2026-01-01T00:00:00.000Z")
            }
            // A client that authenticates, then never reads a byte.
            let stalled = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelOption(.socketOption(.so_rcvbuf), value: 4_096)
                .connect(host: "127.0.0.1", port: simulator.pushPort)
                .get()
            defer { stalled.close(promise: nil) }
            var handshake = ByteBuffer()
            try PushFrameEncoder.write(
                .connectRequest(ConnectRequest(username: TestAccount.username, password: TestAccount.password, monitorID: slow)),
                into: &handshake)
            try await stalled.writeAndFlush(handshake)

            let received = try await withTimeout {
                try await pushSession(simulator, monitorID: fast).withEvents { stream in
                    try await awaitConnected(simulator, slow, fast)
                    await simulator.store.raise(events)
                    var received: [Int] = []
                    for try await batch in stream {
                        received += try values(batch)
                        if received.count == total { break }
                    }
                    try await simulator.pushServer.wait { $0.backpressureEvents[slow, default: 0] > 0 }
                    return received
                }
            }
            #expect(received == Array(0..<total))
            #expect(await simulator.store.deliveryStatistics(id: fast)?.blocksSent == total / 10)
            // The stalled client's blocks wait in its own outbox and socket, bounded by the limits.
            let stuck = try #require(await simulator.store.deliveryStatistics(id: slow))
            #expect(stuck.readyBlocks <= MonitorDeliveryLimits.default.maximumStoredBlocks)
        }
    }
}
