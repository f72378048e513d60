import Benchmark
import DeviceCloud
import DeviceCloudProtocol

/// The end-to-end cases again with `decoding: .raw` (inflate only, no scanner), to read beside
/// `end-to-end …`: what a forwarder that stores bytes saves by not parsing.
func registerRawEndToEndBenchmarks() {
    for compression in [PayloadCompression.zlib, .none] {
        for eventsPerBlock in [100, 1] {
            let blocks = eventsPerBlock == 1 ? 20_000 : 1_000
            let frames = Lazy {
                Workloads.frames(
                    Workloads.block(events: eventsPerBlock, format: .json, compression: compression),
                    blocks: blocks
                )
            }
            let name = Workloads.caseName(events: eventsPerBlock, format: .json, compression: compression)
            Benchmark(
                "end-to-end raw \(name) acks explicit",
                configuration: .init(metrics: RateMetrics.standard, maxDuration: .seconds(3), maxIterations: 10)
            ) { benchmark in
                let result = try await EndToEnd.run(
                    frames: frames.wrapped,
                    blocks: blocks,
                    acknowledgement: .explicit,
                    decoding: .raw
                )
                precondition(result.events == blocks * eventsPerBlock)
                RateMetrics.record(benchmark, events: result.events, bytes: result.bytes, elapsed: result.elapsed)
            }
        }
    }
}
