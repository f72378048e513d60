public import DeviceCloud

extension MonitorRelay {
    /// A stream of batches for the relay to pull: a ``PushSession``'s events, an HTTP
    /// receiver's, or any other `AsyncSequence` of ``MonitorBatch``.
    public struct Source: Sendable {
        /// A name for logs, e.g. `monitor 178007`.
        public var name: String
        /// The batches, pulled one at a time as the relay has room for them.
        public var batches: any AsyncSequence<MonitorBatch, any Error> & Sendable

        /// Wraps any sequence of batches.
        public init(name: String, batches: some AsyncSequence<MonitorBatch, any Error> & Sendable) {
            self.name = name
            self.batches = batches
        }

        /// The events of a push session. The session connects when first pulled and closes when
        /// the relay stops pulling.
        public static func session(_ session: PushSession) -> Source {
            Source(name: "monitor \(session.configuration.monitorID)", batches: session.events())
        }
    }
}
