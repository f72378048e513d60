public import DeviceCloud

extension MonitorRelay {
    /// A stream of batches for the relay to pull: a `PushSession`'s events, an HTTP
    /// receiver's, or any other `AsyncSequence` of `MonitorBatch`.
    public struct Source: Sendable {
        /// A name for logs, e.g. `monitor 178007`.
        public var name: String
        /// The batches, pulled one at a time as the relay has room for them.
        public var batches: any AsyncSequence<MonitorBatch, any Error> & Sendable
        /// Ends ``batches`` from outside (e.g. `PushSession/close()`), so that
        /// ``MonitorRelay/detach(_:)`` can stop a pull that is waiting for the next batch.
        public var stop: (@Sendable () -> Void)?
        /// Says whether the source is within its policy now (for ``MonitorRelay/health``); a
        /// source without one counts as healthy while it is pulled.
        public var health: (@Sendable () -> SourceHealth)?

        /// Wraps any sequence of batches.
        ///
        /// - Parameters:
        ///   - name: a name for logs and health reports.
        ///   - batches: the batches.
        ///   - stop: ends `batches` from outside, if the sequence can be ended that way.
        ///   - health: says whether the source is within its policy now.
        public init(
            name: String,
            batches: some AsyncSequence<MonitorBatch, any Error> & Sendable,
            stop: (@Sendable () -> Void)? = nil,
            health: (@Sendable () -> SourceHealth)? = nil
        ) {
            self.name = name
            self.batches = batches
            self.stop = stop
            self.health = health
        }

        /// The events of a push session. The session connects when first pulled and closes when
        /// the relay stops pulling; it is healthy while connecting, streaming or backing off
        /// within its reconnect policy.
        public static func session(_ session: PushSession) -> Source {
            Source(
                name: "monitor \(session.configuration.monitorID)",
                batches: session.events(),
                stop: { session.close() },
                health: {
                    let state = session.connectionState
                    return state.isWithinPolicy ? .healthy : .unhealthy(state.description)
                }
            )
        }
    }

    /// Whether a source is within its policy.
    public enum SourceHealth: Sendable, Hashable {
        /// Connected, connecting, or backing off within its policy.
        case healthy
        /// Not: the reason, for the health report.
        case unhealthy(String)
    }
}
