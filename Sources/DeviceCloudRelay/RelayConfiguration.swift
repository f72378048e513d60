extension MonitorRelay {
    /// How a relay groups batches into transactions and retries failed ones.
    public struct Configuration: Sendable {
        /// Most batches in one transaction.
        public var maximumBatchesPerCommit: Int
        /// Most events in one transaction (a transaction holds at least one batch, whatever its size).
        public var maximumEventsPerCommit: Int
        /// How long the first batch of a transaction may wait for others to join it. Zero commits
        /// whatever is there at once. Under load the relay does not wait: batches that arrive
        /// during one commit make up the next.
        public var commitInterval: Duration
        /// Batches pulled and not yet committed, beyond which the relay stops pulling (which
        /// pushes back on the service).
        public var maximumPendingBatches: Int
        /// Wait before the first retry of a failed commit.
        public var initialRetryDelay: Duration
        /// Longest wait between retries.
        public var maximumRetryDelay: Duration
        /// Growth of the wait after each failed retry.
        public var retryMultiplier: Double
        /// The clock for the commit interval and retry delays (inject one to test without waiting).
        public var clock: any Clock<Duration>

        /// Creates a configuration.
        public init(
            maximumBatchesPerCommit: Int = 256,
            maximumEventsPerCommit: Int = 20_000,
            commitInterval: Duration = .milliseconds(20),
            maximumPendingBatches: Int = 512,
            initialRetryDelay: Duration = .milliseconds(100),
            maximumRetryDelay: Duration = .seconds(5),
            retryMultiplier: Double = 2,
            clock: any Clock<Duration> = ContinuousClock()
        ) {
            self.maximumBatchesPerCommit = max(1, maximumBatchesPerCommit)
            self.maximumEventsPerCommit = max(1, maximumEventsPerCommit)
            self.commitInterval = commitInterval
            self.maximumPendingBatches = max(1, maximumPendingBatches)
            self.initialRetryDelay = initialRetryDelay
            self.maximumRetryDelay = maximumRetryDelay
            self.retryMultiplier = max(1, retryMultiplier)
            self.clock = clock
        }

        /// The wait before retry number `attempt` (0 for the first retry).
        func retryDelay(attempt: Int) -> Duration {
            var delay = self.initialRetryDelay
            for _ in 0..<min(attempt, 64) {
                delay = delay * self.retryMultiplier
                if delay >= self.maximumRetryDelay { return self.maximumRetryDelay }
            }
            return min(delay, self.maximumRetryDelay)
        }
    }
}
