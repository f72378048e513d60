import Benchmark
import DeviceCloudProtocol
import NIOCore

/// Frames → events, no sockets: framing, inflate, and the document scan that reads each
/// event's topic, operation, timestamp and resource type.
func registerDecodeBenchmarks() {
    for format in [PayloadFormat.json, .xml] {
        for compression in [PayloadCompression.none, .zlib] {
            for eventsPerBlock in [100, 1] {
                let blocks = 10_000 / eventsPerBlock / 10  // 1,000 events an iteration
                let frames = Lazy {
                    Workloads.frames(
                        Workloads.block(events: eventsPerBlock, format: format, compression: compression),
                        blocks: blocks
                    )
                }
                let totalEvents = blocks * eventsPerBlock
                Benchmark(
                    "decode \(Workloads.caseName(events: eventsPerBlock, format: format, compression: compression))",
                    configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(2))
                ) { benchmark in
                    let decoder = try BlockDecoder()
                    let clock = ContinuousClock()
                    let start = clock.now
                    var buffer = frames.wrapped
                    var frameDecoder = PushFrameDecoder()
                    var events = 0
                    var documentBytes = 0
                    while let message = try frameDecoder.decode(buffer: &buffer) {
                        guard case .publishMessage(let publish) = message else { continue }
                        let block = try decoder.decode(publish)
                        events += block.events.count
                        documentBytes += block.document.readableBytes
                        blackHole(block.events.last?.topic)
                    }
                    precondition(events == totalEvents)
                    RateMetrics.record(benchmark, events: events, bytes: documentBytes, elapsed: clock.now - start)
                }
            }
        }
    }
}
