import Benchmark
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import Foundation
import NIOCore

/// A consumer that stops pulling while the server has 1 GiB more to send: resident memory must
/// stay flat because the socket is read only on demand.
func registerMemoryBenchmarks() {
    // The harness and runtime alone, for comparison: the same process with no work.
    Benchmark(
        "memory baseline, no work",
        configuration: .init(metrics: [.peakMemoryResident], maxDuration: .seconds(1), maxIterations: 1)
    ) { _ in
        blackHole(0)
    }

    Benchmark(
        "memory slow consumer 1 GiB behind",
        configuration: .init(
            metrics: [.peakMemoryResident, .wallClock, SlowConsumer.growthMetric],
            maxDuration: .seconds(30),
            maxIterations: 1
        )
    ) { benchmark in
        let growth = try await SlowConsumer.run(totalBytes: 1 << 30)
        benchmark.measurement(SlowConsumer.growthMetric, growth >> 20)
    }
}

enum SlowConsumer {
    static let growthMetric = BenchmarkMetric.custom("RSS growth while stalled (MiB)", polarity: .prefersSmaller, useScalingFactor: false)

    /// Returns how much resident memory grew between the first batch and the moment the server
    /// was pushed back, then drains everything.
    static func run(totalBytes: Int) async throws -> Int {
        let blockSize = 64 << 10
        let blocks = totalBytes / blockSize
        let document = ByteBuffer(
            string: #"{"Document":{"Msg":{"topic":"7603/DataPoint/x","operation":"INSERTION","DataPoint":{"data":""#
                + String(repeating: "x", count: blockSize - 120) + #""}}}}"#
        )
        let message = PublishMessage(blockID: 0, count: 1, compression: .none, format: .json, payload: document)
        let server = try await PushServer.bind(
            delegate: StaticPushDirectory(username: EndToEnd.username, password: EndToEnd.password, monitors: [1])
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            defer {
                server.shutDown()
                tasks.cancelAll()
            }
            let session = PushSession(configuration: EndToEnd.configuration(port: server.port, monitorID: 1, acknowledgement: .off))
            return try await session.withEvents { batches in
                try await server.wait { $0.connectedMonitors.contains(1) }
                tasks.addTask {
                    for index in 0..<blocks {
                        var block = message
                        block.blockID = UInt16(truncatingIfNeeded: index)
                        try await server.publish(block, to: 1)
                    }
                }
                var iterator = batches.makeAsyncIterator()
                _ = try await iterator.next()
                let baseline = residentBytes()
                try await server.wait { $0.backpressureEvents[1, default: 0] > 0 }
                let stalled = residentBytes()
                var received = 1
                while received < blocks, try await iterator.next() != nil {
                    received += 1
                }
                return stalled - baseline
            }
        }
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
