extension MonitorRelay {
    /// What a relay has done since it started; read with ``MonitorRelay/statistics`` or await a
    /// condition with ``MonitorRelay/wait(until:)``.
    public struct Statistics: Sendable, Hashable {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        /// Batches pulled from the sources.
        public var batchesPulled = 0
        /// Events in those batches.
        public var eventsPulled = 0
        /// Events the sink stored newly.
        public var eventsStored = 0
        /// Events the sink had already (replays).
        public var duplicatesSkipped = 0
        /// Transactions committed.
        public var commits = 0
        /// Commit attempts that failed (each is retried).
        public var failedCommits = 0
        /// Batches acknowledged after their commit.
        public var batchesAcknowledged = 0
        /// Acknowledgements that found the delivering connection gone (the service redelivers
        /// those blocks; the sink skips them as duplicates).
        public var acknowledgementsLost = 0
        /// Sources that ended with an error (each is named in ``MonitorRelay/health`` until a
        /// source is attached under its id again).
        public var sourceFailures = 0
        /// The last commit failure, if the last attempt failed.
        public var lastFailure: String?
        /// Seconds from the newest event's time at the service to the last commit that stored it
        /// (the largest over that commit's batches), or `nil` before a commit of timed events.
        /// Includes any difference between the service's clock and this machine's.
        public var lag: Double?
        /// Recent commit latencies in seconds (the last 1024), oldest first.
        public var recentCommitLatencies: [Double] = []

        /// Creates empty statistics.
        public init() {}

        /// The 99th percentile of ``recentCommitLatencies`` in seconds, or `nil` before the first commit.
        public var commitLatencyP99: Double? {
            guard !self.recentCommitLatencies.isEmpty else { return nil }
            let sorted = self.recentCommitLatencies.sorted()
            let index = min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)
            return sorted[max(0, index)]
        }

        mutating func recordLatency(_ seconds: Double) {
            if self.recentCommitLatencies.count >= 1024 { self.recentCommitLatencies.removeFirst() }
            self.recentCommitLatencies.append(seconds)
        }
    }
}
