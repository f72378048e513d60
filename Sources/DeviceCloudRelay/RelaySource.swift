public import DeviceCloud

extension MonitorRelay {
    /// A stream of batches for the relay to pull: a ``PushSession``'s events, an HTTP
    /// receiver's, or any other `AsyncSequence` of ``MonitorBatch``.
    public struct Source: Sendable {
        /// A name for logs, e.g. `monitor 178007`.
        public var name: String
        /// The batches, pulled one at a time as the relay has room for them.
        public var batches: any AsyncSequence<MonitorBatch, any Error> & Sendable
        /// Ends ``batches`` from outside (e.g. ``PushSession/close()``), so that
        /// ``MonitorRelay/detach(_:)`` can stop a pull that is waiting for the next batch.
        public var stop: (@Sendable () -> Void)?

        /// Wraps any sequence of batches.
        ///
        /// - Parameters:
        ///   - name: a name for logs.
        ///   - batches: the batches.
        ///   - stop: ends `batches` from outside, if the sequence can be ended that way.
        public init(
            name: String,
            batches: some AsyncSequence<MonitorBatch, any Error> & Sendable,
            stop: (@Sendable () -> Void)? = nil
        ) {
            self.name = name
            self.batches = batches
            self.stop = stop
        }

        /// The events of a push session. The session connects when first pulled and closes when
        /// the relay stops pulling.
        public static func session(_ session: PushSession) -> Source {
            Source(name: "monitor \(session.configuration.monitorID)", batches: session.events(), stop: { session.close() })
        }
    }
}
