import Benchmark

let benchmarks: @Sendable () -> Void = {
    registerBaselineBenchmarks()
    registerDecodeBenchmarks()
    registerEndToEndBenchmarks()
    registerMemoryBenchmarks()
    registerManySessionsBenchmarks()
    registerRelayBenchmarks()
    registerSinkBenchmarks()
}
