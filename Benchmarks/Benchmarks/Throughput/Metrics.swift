import Benchmark

/// Custom metrics reported by the benchmarks, computed from each iteration's own timing.
enum RateMetrics {
    static let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)
    static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

    /// Records events/s and MB/s for work that took `elapsed`.
    static func record(_ benchmark: Benchmark, events: Int, bytes: Int, elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds > 0 else { return }
        if events > 0 {
            benchmark.measurement(self.eventsPerSecond, Int(Double(events) / seconds))
        }
        benchmark.measurement(self.megabytesPerSecond, Int(Double(bytes) / seconds / 1e6))
    }

    static let standard: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, eventsPerSecond, megabytesPerSecond]
}
