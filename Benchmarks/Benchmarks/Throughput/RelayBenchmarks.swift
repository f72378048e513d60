import Benchmark
import DeviceCloud
import DeviceCloudPostgres
import DeviceCloudProtocol
import DeviceCloudRelay
import DeviceCloudSQLite
import DeviceCloudSimulator
import Foundation
import NIOCore

/// Simulator push server → `PushSession` → `MonitorRelay` → a database, acknowledging each block
/// after the commit that holds it, over 127.0.0.1 in one process. Compare with the plain stream
/// ("end-to-end 100 events/block json zlib acks explicit") of the same run.
func registerRelayBenchmarks() {
    let blocks = 1_000
    let eventsPerBlock = 100
    // Distinct events in every block: the same block again would be stored once and then skipped.
    let frames = Lazy { RelayWorkload.frames(blocks: blocks, eventsPerBlock: eventsPerBlock) }

    Benchmark(
        "relay into SQLite 100 events/block json zlib acks after commit",
        configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(10), maxIterations: 5)
    ) { benchmark in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sink = try SQLiteEventSink(path: folder.appendingPathComponent("events.sqlite").path)
        let result = try await RelayWorkload.run(frames: frames.wrapped, blocks: blocks, sink: sink)
        precondition(result.events == blocks * eventsPerBlock)
        RateMetrics.record(benchmark, events: result.events, bytes: result.bytes, elapsed: result.elapsed)
    }

    if let url = ProcessInfo.processInfo.environment["DC_BENCH_POSTGRES_URL"], let components = URLComponents(string: url),
        let host = components.host
    {
        Benchmark(
            "relay into PostgreSQL 100 events/block json zlib acks after commit",
            configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(10), maxIterations: 5)
        ) { benchmark in
            let sink = PostgresEventSink(
                configuration: .init(
                    host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
                    password: ProcessInfo.processInfo.environment["DC_RELAY_DB_PASSWORD"] ?? components.password,
                    database: String(components.path.dropFirst())
                )
            )
            let result = try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await sink.run() }
                defer { tasks.cancelAll() }
                try await sink.prepareSchema()
                return try await RelayWorkload.run(frames: frames.wrapped, blocks: blocks, sink: sink)
            }
            precondition(result.events == blocks * eventsPerBlock)
            RateMetrics.record(benchmark, events: result.events, bytes: result.bytes, elapsed: result.elapsed)
        }
    }
}

enum RelayWorkload {
    /// `blocks` frames of `eventsPerBlock` distinct DataPoints each, JSON, zlib.
    static func frames(blocks: Int, eventsPerBlock: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        for index in 0..<blocks {
            let events = Workloads.dataPoints(eventsPerBlock).enumerated().map { offset, event in
                var event = event
                event.topic += "/\(index * eventsPerBlock + offset)"
                return event
            }
            do {
                let block = try BlockEncoder.publishMessage(
                    blockID: UInt16(truncatingIfNeeded: index), events: events, format: .json, compression: .zlib)
                try PushFrameEncoder.write(.publishMessage(block), into: &buffer)
            } catch {
                fatalError("cannot build a relay benchmark block: \(error)")
            }
        }
        return buffer
    }

    /// Streams the frames to a relay over loopback; returns when every block is acknowledged.
    ///
    /// Each run uses a monitor id of its own, so that rows of earlier runs in the same database
    /// are not duplicates of this one's.
    static func run(frames: ByteBuffer, blocks: Int, sink: any MonitorSink) async throws -> EndToEnd.Result {
        let monitorID = UInt32.random(in: 1..<UInt32.max)
        let server = try await PushServer.bind(
            delegate: StaticPushDirectory(username: EndToEnd.username, password: EndToEnd.password, monitors: [monitorID])
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            defer {
                server.shutDown()
                tasks.cancelAll()
            }
            let session = PushSession(configuration: EndToEnd.configuration(port: server.port, monitorID: monitorID, acknowledgement: .explicit))
            let relay = MonitorRelay(sink: sink, sources: [.session(session)])
            tasks.addTask { try await relay.run() }
            try await server.wait { $0.connectedMonitors.contains(monitorID) }
            guard let live = server.session(for: monitorID) else { throw SimulatorError.notConnected(monitorID: monitorID) }
            let clock = ContinuousClock()
            let start = clock.now
            tasks.addTask { try await EndToEnd.send(frames, on: live) }
            let statistics = try await relay.wait { $0.batchesAcknowledged >= blocks }
            try await server.wait { $0.acknowledgements[monitorID, default: []].count >= blocks }
            let elapsed = clock.now - start
            return EndToEnd.Result(events: statistics.eventsStored, bytes: 0, elapsed: elapsed)
        }
    }
}

/// Where a relay's time goes without the network: building rows (digest, text) and one SQLite
/// transaction of them.
func registerSinkBenchmarks() {
    let batches = Lazy { SinkWorkload.batches(blocks: 200, eventsPerBlock: 100) }
    Benchmark(
        "relay rows: digest and text of 20,000 events",
        configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(3))
    ) { benchmark in
        let clock = ContinuousClock()
        let start = clock.now
        let rows = StoredEvent.rows(of: batches.wrapped)
        blackHole(rows.count)
        RateMetrics.record(benchmark, events: rows.count, bytes: 0, elapsed: clock.now - start)
    }
    Benchmark(
        "SQLite sink: one transaction of 20,000 events",
        configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(5), maxIterations: 10)
    ) { benchmark in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sink-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sink = try SQLiteEventSink(path: folder.appendingPathComponent("events.sqlite").path)
        let clock = ContinuousClock()
        let start = clock.now
        let receipt = try await sink.write(batches.wrapped)
        precondition(receipt.inserted == 20_000)
        RateMetrics.record(benchmark, events: receipt.inserted, bytes: 0, elapsed: clock.now - start)
    }
}

enum SinkWorkload {
    /// Decoded batches of distinct events, as a push session would hand them over.
    static func batches(blocks: Int, eventsPerBlock: Int) -> [MonitorBatch] {
        do {
            let decoder = try BlockDecoder()
            var frames = RelayWorkload.frames(blocks: blocks, eventsPerBlock: eventsPerBlock)
            var frameDecoder = PushFrameDecoder()
            var batches: [MonitorBatch] = []
            while let message = try frameDecoder.decode(buffer: &frames) {
                guard case .publishMessage(let publish) = message else { continue }
                let block = try decoder.decode(publish)
                batches.append(
                    MonitorBatch(
                        monitorID: 1, blockID: publish.blockID, compression: publish.compression, format: publish.format,
                        document: block.document, events: block.events, acknowledgement: nil
                    )
                )
            }
            return batches
        } catch {
            fatalError("cannot build sink benchmark batches: \(error)")
        }
    }
}
