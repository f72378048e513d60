import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudTestSupport
import NIOCore
import Testing

/// What a flood of large bodies costs the receiver in memory.
///
/// Measures the process's resident memory, so it is kept away from the CPU-heavy tests, which
/// allocate hundreds of MiB of their own (the gate of timing tests does that).
@Suite("HTTPReceiver memory", .memoryMeasuring)
struct HTTPReceiverMemoryTests {
    @Test("50 clients pushing 2 MiB bodies at once: two are read, the rest refused unread; memory stays bounded")
    func floodOfLargeBodies() async throws {
        let bodySize = 2 << 20
        let clients = 50
        let configuration = try receiverConfiguration(
            handoffTimeout: .seconds(30),
            maximumBodySize: 4 << 20,
            maximumWaitingRequests: 2,
            maximumConcurrentReads: 2,
            idleTimeout: .seconds(30),
            requestReadTimeout: .seconds(30)
        )
        try await withReceiver(configuration) { _, sender in
            try await withTimeout(.seconds(20)) {
                // One body shared by every client: the clients themselves add no memory.
                var head = ByteBuffer(string: rawDeliveryHead(contentLength: bodySize, authorization: basicAuthorization(receiverToken)))
                var almostAll = ByteBuffer(repeating: UInt8(ascii: "x"), count: bodySize - 1)
                head.writeBuffer(&almostAll)
                let request = head
                var connections: [RawHTTPConnection] = []
                for _ in 0..<clients {
                    connections.append(try await RawHTTPConnection.open(port: sender.port))
                }
                let baseline = try #require(residentMemoryBytes())

                try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for (index, connection) in connections.enumerated() {
                        connection.startSending(request)
                        group.addTask { (index, try await connection.nextStatus()) }
                    }
                    // All but two are refused before their body is read.
                    var answered: Set<Int> = []
                    while answered.count < clients - 2, let (index, status) = try await group.next() {
                        #expect(status == 503)
                        answered.insert(index)
                    }
                    let whileReading = try #require(residentMemoryBytes())
                    #expect(whileReading - baseline < (48 << 20).bytesAllowingForSanitizers, "grew by \((whileReading - baseline) >> 20) MiB")

                    // The two being read get their last byte: read whole, and refused as garbage.
                    for index in connections.indices where !answered.contains(index) {
                        try await connections[index].send("x")
                    }
                    while let (index, status) = try await group.next() {
                        #expect(!answered.contains(index))
                        #expect(status == 400)
                        answered.insert(index)
                    }
                    #expect(answered.count == clients)
                }
                let after = try #require(residentMemoryBytes())
                #expect(after - baseline < (48 << 20).bytesAllowingForSanitizers, "grew by \((after - baseline) >> 20) MiB")
                for connection in connections { await connection.close() }
            }
        }
    }
}
