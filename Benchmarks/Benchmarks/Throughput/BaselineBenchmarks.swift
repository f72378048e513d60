import Benchmark
import CompressNIO
import DeviceCloudProtocol
import Foundation
import NIOCore
import NIOPosix

/// The yardsticks, measured in the same run: Foundation's JSON parser on the same documents,
/// raw zlib inflate of the same payloads, and raw loopback bytes through NIO (the ceiling).
func registerBaselineBenchmarks() {
    let eventsPerBlock = 100
    let blocks = 10
    let documentData = Lazy { Data(DocumentWriter.document(Workloads.dataPoints(eventsPerBlock), format: .json).readableBytesView) }

    Benchmark(
        "baseline JSONSerialization 100 events/block json none",
        configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(2))
    ) { benchmark in
        let documentData = documentData.wrapped
        let clock = ContinuousClock()
        let start = clock.now
        var events = 0
        for _ in 0..<blocks {
            let root = try JSONSerialization.jsonObject(with: documentData) as? [String: Any]
            let messages = (root?["Document"] as? [String: Any])?["Msg"] as? [[String: Any]] ?? []
            for message in messages {
                blackHole(message["topic"] as? String)
                blackHole(message["operation"] as? String)
                blackHole(message["timestamp"] as? String)
                events += 1
            }
        }
        precondition(events == blocks * eventsPerBlock)
        RateMetrics.record(benchmark, events: events, bytes: blocks * documentData.count, elapsed: clock.now - start)
    }

    let compressed = Lazy { Workloads.block(events: eventsPerBlock, format: .json, compression: .zlib).payload }
    Benchmark(
        "baseline zlib inflate 100 events/block json",
        configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(2))
    ) { benchmark in
        let clock = ContinuousClock()
        let start = clock.now
        var bytes = 0
        for _ in 0..<blocks {
            var input = compressed.wrapped
            let output = try input.decompress(with: .zlib(), maxSize: 1 << 24)
            bytes += output.readableBytes
        }
        RateMetrics.record(benchmark, events: blocks * eventsPerBlock, bytes: bytes, elapsed: clock.now - start)
    }

    Benchmark(
        "baseline loopback bytes through NIO, no decoding",
        configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(3), maxIterations: 5)
    ) { benchmark in
        let total = 256 << 20
        let clock = ContinuousClock()
        let (received, elapsed) = try await LoopbackCeiling.measure(totalBytes: total, clock: clock)
        RateMetrics.record(benchmark, events: 0, bytes: received, elapsed: elapsed)
    }
}

/// Sends bytes from a NIO server to a NIO client over 127.0.0.1 and counts them: no framing,
/// no decoding. What any client on this machine could receive at best.
enum LoopbackCeiling {
    /// Returns the bytes that arrived (the server may close before the last writes leave) and the time taken.
    static func measure(totalBytes: Int, clock: ContinuousClock) async throws -> (Int, Duration) {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child) }
            }
        let port = server.channel.localAddress?.port ?? 0
        let chunk = ByteBuffer(repeating: 0x41, count: 64 << 10)
        return try await withThrowingTaskGroup(of: Void.self) { tasks -> (Int, Duration) in
            tasks.addTask {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        try await connection.executeThenClose { _, outbound in
                            var sent = 0
                            while sent < totalBytes {
                                try await outbound.write(chunk)
                                sent += chunk.readableBytes
                            }
                        }
                        return
                    }
                }
            }
            let client = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
            let start = clock.now
            let received = try await client.executeThenClose { inbound, _ in
                var received = 0
                for try await bytes in inbound {
                    received += bytes.readableBytes
                    if received >= totalBytes { break }
                }
                return received
            }
            let elapsed = clock.now - start
            try await tasks.waitForAll()
            return (received, elapsed)
        }
    }
}
