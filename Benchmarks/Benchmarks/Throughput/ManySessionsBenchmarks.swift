import Benchmark
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import Foundation
import NIOCore

/// 1,000 monitors on one simulator, each with its own session, all delivering at once.
func registerManySessionsBenchmarks() {
    let sessions = 1_000
    let blocksPerSession = 20
    let frames = Lazy { Workloads.frames(Workloads.block(events: 100, format: .json, compression: .zlib), blocks: blocksPerSession) }
    Benchmark(
        "many sessions 1000 × 20 blocks of 100 events json zlib acks explicit",
        configuration: .init(metrics: RateMetrics.standard + [.peakMemoryResident], maxDuration: .seconds(30), maxIterations: 3)
    ) { benchmark in
        raiseOpenFileLimit()
        let result = try await ManySessions.run(sessions: sessions, frames: frames.wrapped, blocksPerSession: blocksPerSession)
        RateMetrics.record(benchmark, events: result.events, bytes: result.bytes, elapsed: result.elapsed)
    }
}

enum ManySessions {
    static func run(sessions count: Int, frames: ByteBuffer, blocksPerSession: Int) async throws -> EndToEnd.Result {
        let monitors = Set((1...count).map { UInt32($0) })
        let server = try await PushServer.bind(
            delegate: StaticPushDirectory(username: EndToEnd.username, password: EndToEnd.password, monitors: monitors)
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            defer {
                server.shutDown()
                tasks.cancelAll()
            }
            let sessions = monitors.map {
                PushSession(configuration: EndToEnd.configuration(port: server.port, monitorID: $0, acknowledgement: .explicit))
            }
            try await withThrowingTaskGroup(of: Void.self) { connecting in
                for session in sessions {
                    connecting.addTask { try await session.connect() }
                }
                try await connecting.waitForAll()
            }
            try await server.wait { $0.connectedMonitors.count == count }
            let clock = ContinuousClock()
            let start = clock.now
            let totals = try await withThrowingTaskGroup(of: (Int, Int).self) { consumers in
                for session in sessions {
                    consumers.addTask {
                        guard let live = server.session(for: session.configuration.monitorID) else {
                            throw SimulatorError.notConnected(monitorID: session.configuration.monitorID)
                        }
                        try await EndToEnd.send(frames, on: live)
                        var events = 0
                        var bytes = 0
                        var received = 0
                        for try await batch in session.events() {
                            events += batch.events.count
                            bytes += batch.document.readableBytes
                            await batch.acknowledge()
                            received += 1
                            if received == blocksPerSession { break }
                        }
                        return (events, bytes)
                    }
                }
                var totals = (0, 0)
                for try await (events, bytes) in consumers {
                    totals.0 += events
                    totals.1 += bytes
                }
                return totals
            }
            return EndToEnd.Result(events: totals.0, bytes: totals.1, elapsed: clock.now - start)
        }
    }
}

/// Lifts the soft open-file limit to the hard one: 1,000 sessions need 2,000 sockets in one process.
func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
