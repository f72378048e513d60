import Benchmark

let benchmarks: @Sendable () -> Void = {
    registerBaselineBenchmarks()
    registerDecodeBenchmarks()
    registerEndToEndBenchmarks()
    registerRawEndToEndBenchmarks()
    registerMemoryBenchmarks()
    registerManySessionsBenchmarks()
    registerRelayBenchmarks()
    registerSinkBenchmarks()
}
