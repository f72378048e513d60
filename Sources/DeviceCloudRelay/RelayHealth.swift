extension MonitorRelay {
    /// Whether a relay is doing its job now: committing, and pulling every source within its
    /// policy. Read it with ``MonitorRelay/health``; `dcmon relay --metrics-port` serves it at
    /// `/health`.
    public struct Health: Sendable, Hashable {
        /// The last commit's error, when the last attempt failed (it is being retried).
        public var commitFailure: String?
        /// Sources that are outside their policy (a push session that failed or closed) or that
        /// ended with an error: source name → why.
        public var failingSources: [String: String]

        /// Creates a health report.
        public init(commitFailure: String? = nil, failingSources: [String: String] = [:]) {
            self.commitFailure = commitFailure
            self.failingSources = failingSources
        }

        /// `true` when the last commit succeeded and every source is within its policy.
        public var isHealthy: Bool { self.commitFailure == nil && self.failingSources.isEmpty }

        /// One line per problem, or `ok`.
        public var report: String {
            if self.isHealthy { return "ok" }
            var lines: [String] = []
            if let commitFailure = self.commitFailure { lines.append("commit failing: \(commitFailure)") }
            for name in self.failingSources.keys.sorted() {
                lines.append("\(name): \(self.failingSources[name] ?? "")")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The relay's health now.
    public var health: Health {
        Health(commitFailure: self.statistics.lastFailure, failingSources: self.pumps.unhealthy)
    }
}
