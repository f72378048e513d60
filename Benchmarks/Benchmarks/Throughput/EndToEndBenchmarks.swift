import Benchmark
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import NIOCore

/// Simulator push server → `PushSession` → `for try await`, over 127.0.0.1, in one process
/// (server and client share the machine's two cores).
func registerEndToEndBenchmarks() {
    for acknowledgement in [AcknowledgementMode.explicit, .off] {
        for format in [PayloadFormat.json, .xml] {
            for compression in [PayloadCompression.zlib, .none] {
                for eventsPerBlock in [100, 1] {
                    let blocks = eventsPerBlock == 1 ? 20_000 : 1_000
                    let frames = Lazy {
                        Workloads.frames(
                            Workloads.block(events: eventsPerBlock, format: format, compression: compression),
                            blocks: blocks
                        )
                    }
                    let name = Workloads.caseName(events: eventsPerBlock, format: format, compression: compression)
                    Benchmark(
                        "end-to-end \(name) acks \(acknowledgement)",
                        configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(3), maxIterations: 10)
                    ) { benchmark in
                        let result = try await EndToEnd.run(
                            frames: frames.wrapped,
                            blocks: blocks,
                            acknowledgement: acknowledgement
                        )
                        precondition(result.events == blocks * eventsPerBlock)
                        RateMetrics.record(benchmark, events: result.events, bytes: result.bytes, elapsed: result.elapsed)
                    }
                }
            }
        }
    }
}

enum EndToEnd {
    struct Result {
        var events: Int
        var bytes: Int
        var elapsed: Duration
    }

    static let username = "bench"
    static let password = "bench-password"

    /// Streams pre-encoded frames from a push server to one session and consumes them.
    /// With `decoding: .raw` the events counted are the blocks' announced counts (nothing scans them).
    static func run(
        frames: ByteBuffer,
        blocks: Int,
        acknowledgement: AcknowledgementMode,
        decoding: PushDecoding = .events
    ) async throws -> Result {
        let server = try await PushServer.bind(
            delegate: StaticPushDirectory(username: self.username, password: self.password, monitors: [1])
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            defer {
                server.shutDown()
                tasks.cancelAll()
            }
            var configuration = self.configuration(port: server.port, monitorID: 1, acknowledgement: acknowledgement)
            configuration.decoding = decoding
            let session = PushSession(configuration: configuration)
            return try await session.withEvents { batches in
                try await server.wait { $0.connectedMonitors.contains(1) }
                guard let live = server.session(for: 1) else { throw SimulatorError.notConnected(monitorID: 1) }
                tasks.addTask { try await self.send(frames, on: live) }
                let clock = ContinuousClock()
                let start = clock.now
                var result = Result(events: 0, bytes: 0, elapsed: .zero)
                var received = 0
                for try await batch in batches {
                    result.events += decoding == .raw ? Int(batch.announcedCount) : batch.events.count
                    result.bytes += batch.document.readableBytes
                    if acknowledgement == .explicit { await batch.acknowledge() }
                    received += 1
                    if received == blocks { break }
                }
                result.elapsed = clock.now - start
                return result
            }
        }
    }

    static func configuration(port: Int, monitorID: UInt32, acknowledgement: AcknowledgementMode) -> PushSession.Configuration {
        PushSession.Configuration(
            host: "127.0.0.1",
            port: port,
            transport: .plain,
            credentials: Credentials(username: self.username, password: self.password),
            monitorID: monitorID,
            acknowledgement: acknowledgement
        )
    }

    /// Writes the frames in 256 KiB slices, as fast as the client lets it.
    static func send(_ frames: ByteBuffer, on session: PushServerSession) async throws {
        var remaining = frames
        while remaining.readableBytes > 0, let slice = remaining.readSlice(length: min(256 << 10, remaining.readableBytes)) {
            try await session.writeRaw(slice)
        }
    }
}
