import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import Synchronization
import Testing

@Suite("Push session: reconnects, cancellation, backpressure")
struct PushSessionLifecycleTests {
    @Test("a drop in the middle of a frame is followed by a reconnect and continued delivery")
    func reconnectAfterDropMidFrame() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let batches = try await withTimeout {
                async let batches = collect(session.events(), count: 3, acknowledge: true)
                try await server.wait { $0.handshakes[1] == 1 }
                try await server.publish(try SampleEvents.block(1), to: 1)
                try await server.wait { $0.acknowledgements[1] == [1] }

                var frame = ByteBuffer()
                try PushFrameEncoder.write(.publishMessage(try SampleEvents.block(2, events: 10)), into: &frame)
                let firstConnection = try #require(server.session(for: 1))
                try await firstConnection.writeRaw(frame.getSlice(at: 0, length: frame.readableBytes / 2) ?? ByteBuffer())
                firstConnection.close()

                try await server.wait { $0.handshakes[1] == 2 && $0.connectedMonitors.contains(1) }
                try await server.publish(try SampleEvents.block(2, events: 10), to: 1)
                try await server.publish(try SampleEvents.block(3), to: 1)
                let received = try await batches
                try await server.wait { $0.acknowledgements[1] == [1, 2, 3] }
                return received
            }
            #expect(batches.map(\.blockID) == [1, 2, 3])
            #expect(batches[1].events.count == 10)
        }
    }

    @Test("reconnects give up after exactly the policy's attempts, with a typed error")
    func reconnectExhausted() async throws {
        let policy = try ReconnectPolicy(initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(20), maximumAttempts: 3)
        // Accepts the first ConnectRequest, then answers 503 (busy, retried) and counts.
        let directory = BusyAfterFirst()
        let error = try await withPushServer(delegate: directory) { server in
            var configuration = sessionConfiguration(port: server.port, reconnect: policy)
            // Every drop counts against the attempts (no stable period to reset them).
            configuration.stablePeriod = .zero
            let session = PushSession(configuration: configuration)
            return try await withTimeout {
                async let error = streamError(session.events())
                try await server.wait { $0.connectedMonitors.contains(1) }
                server.disconnect(1)
                return await error
            }
        }
        let sessionError = try #require(error as? PushSessionError)
        #expect(sessionError.code == .reconnectAttemptsExhausted)
        // The accepted connection, then the policy's three attempts: no more, no fewer.
        #expect(directory.requests == 4)
    }

    @Test("cancelling the consuming task closes the server's side within a second", .timingSensitive)
    func cancellationClosesConnection() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let consumer = Task {
                for try await _ in session.events() {}
            }
            try await withTimeout { try await server.wait { $0.connectedMonitors.contains(1) } }
            consumer.cancel()
            try await withTimeout(.seconds(1)) { try await server.wait { $0.disconnects[1] == 1 } }
            try await consumer.value
            #expect(server.snapshot.handshakes[1] == 1)
        }
    }

    @Test("breaking out of the loop closes the connection", .timingSensitive)
    func breakClosesConnection() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            try await withTimeout {
                async let batches = collect(session.events(), count: 1)
                try await server.wait { $0.connectedMonitors.contains(1) }
                try await server.publish(try SampleEvents.block(1), to: 1)
                _ = try await batches
            }
            try await withTimeout(.seconds(1)) { try await server.wait { $0.disconnects[1] == 1 } }
        }
    }

    @Test("withEvents closes everything when its body returns", .timingSensitive)
    func scopedEvents() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let count = try await withTimeout {
                try await session.withEvents { batches in
                    #expect(server.snapshot.connectedMonitors.contains(1))
                    try await server.publish(try SampleEvents.block(5, events: 4), to: 1)
                    for try await batch in batches {
                        return batch.events.count
                    }
                    return 0
                }
            }
            #expect(count == 4)
            try await withTimeout(.seconds(1)) { try await server.wait { $0.disconnects[1] == 1 } }
        }
    }

    @Test("backoff: first attempt immediate, then ×1.6 from 1 s, capped at 120 s, ±20 % jitter")
    func backoffSchedule() {
        let policy = ReconnectPolicy.default
        #expect(policy.delay(beforeAttempt: 0, random: 0.9) == .zero)
        #expect(policy.delay(beforeAttempt: 1, random: 0.5) == .seconds(1))
        #expect(policy.delay(beforeAttempt: 2, random: 0.5) == .seconds(1.6))
        #expect(policy.delay(beforeAttempt: 1, random: 0) == .seconds(0.8))
        #expect(policy.delay(beforeAttempt: 1, random: 1) == .seconds(1.2))
        #expect(policy.delay(beforeAttempt: 40, random: 0.5) == .seconds(120))
        #expect(policy.delay(beforeAttempt: 1_000, random: 1) == .seconds(144))
    }

    @Test("a consumer that stops reading leaves memory flat while the server pushes 200 MB", .memoryMeasuring)
    func slowConsumerMemory() async throws {
        let blockSize = 64 << 10
        let blockCount = 3_200  // 3,200 × 64 KiB = 200 MiB
        let document = ByteBuffer(string: #"{"Document":{"Msg":{"topic":"7603/DataPoint/x","operation":"INSERTION","DataPoint":{"data":""#
            + String(repeating: "x", count: blockSize - 120) + #""}}}}"#)
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port, acknowledgement: .off))
            let stream = session.events()
            var iterator = stream.makeAsyncIterator()
            let publisher = Task {
                try await server.wait { $0.connectedMonitors.contains(1) }
                for index in 0..<blockCount {
                    let message = PublishMessage(
                        blockID: UInt16(truncatingIfNeeded: index), count: 1, compression: .none, format: .json, payload: document)
                    try await server.publish(message, to: 1)
                }
            }
            let first = try await iterator.next()
            #expect(first?.blockID == 0)
            let baseline = residentMemoryBytes() ?? 0

            // The consumer is idle now; the server keeps writing until TCP pushes back.
            let blocked = try await withTimeout { try await server.wait { $0.backpressureEvents[1, default: 0] > 0 } }
            #expect(blocked.bytesPublished[1, default: 0] < 64 << 20)
            #expect(blocked.handshakes[1] == 1, "the session never reconnected")
            let whileStalled = residentMemoryBytes() ?? 0
            #expect(whileStalled - baseline < (50 << 20).bytesAllowingForSanitizers)

            // Resume: every block arrives, in order, and memory stays bounded throughout.
            var received = 1
            var peak = whileStalled
            while received < blockCount, let batch = try await iterator.next() {
                #expect(batch.blockID == UInt16(truncatingIfNeeded: received))
                received += 1
                if received % 200 == 0 { peak = max(peak, residentMemoryBytes() ?? 0) }
            }
            try await publisher.value
            #expect(received == blockCount)
            #expect(server.snapshot.bytesPublished[1] == blockCount * document.readableBytes)
            #expect(peak - baseline < (50 << 20).bytesAllowingForSanitizers)
        }
    }
}

/// Accepts the first ConnectRequest for monitor 1 and answers every later one 503 (busy), counting them.
private final class BusyAfterFirst: PushServerDelegate {
    private let count = Mutex(0)

    var requests: Int { self.count.withLock { $0 } }

    func authorize(_ request: ConnectRequest) async -> UInt16 {
        let number = self.count.withLock { count in
            count += 1
            return count
        }
        return number == 1 ? 200 : 503
    }
}
