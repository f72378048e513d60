import DeviceCloudProtocol

/// The delivery state the ``MonitorStore`` keeps beside one monitor's record: its parsed topics,
/// its ``MonitorOutbox``, the wake-up of its current deliverer and its counters.
///
/// Rebuilt from the record on create and on every update (a PUT resets the monitor's state);
/// ``generation`` tells deliverers of an older configuration to stop.
struct MonitorDelivery {
    /// What a deliverer does next.
    enum Step {
        /// Send these blocks, in order.
        case send([PublishMessage])
        /// Nothing to send: wait for a wake-up, or until the open batch's deadline.
        case wait(until: ContinuousClock.Instant?)
        /// The deliverer is no longer wanted (session replaced, monitor updated or deleted).
        case stop
    }

    let transport: MonitorTransportType
    let topics: [TopicFilter]
    let generation: Int
    var outbox: MonitorOutbox
    /// Wakes (or, finished, stops) the current deliverer.
    private var wakeup: AsyncStream<Void>.Continuation?
    /// Matching events refused before reaching the outbox (HTTP monitor `DISABLED`).
    var refusedEvents = 0
    var eventsAccepted = 0
    var blocksSent = 0
    var blocksAcknowledged = 0
    var deliveryFailures = 0

    /// The delivery state for a record that passed the store's validation.
    init(record: MonitorRecord, limits: MonitorDeliveryLimits, generation: Int) {
        let transport = record.transportType ?? .tcp
        self.transport = transport
        self.topics = (record.topics ?? []).compactMap { TopicFilter($0) }
        self.generation = generation
        self.outbox = MonitorOutbox(settings: Self.settings(for: record, limits: limits))
        if transport == .http {
            // The service is the HTTP client: always "connected", delivering one block at a time.
            self.outbox.connect()
        }
    }

    /// Outbox settings from the monitor's elements (defaults as the service's).
    ///
    /// TCP: `monAckOption` and `monAutoReplayOnConnect` as set. HTTP: every block is kept until
    /// the customer server answers 2xx (an in-flight window of one keeps blocks in order).
    static func settings(for record: MonitorRecord, limits: MonitorDeliveryLimits) -> MonitorOutbox.Settings {
        let isHTTP = record.transportType == .http
        return MonitorOutbox.Settings(
            batchSize: min(record.batchSize ?? 100, MonitorDeliveryLimits.maximumBatchSize),
            batchDuration: record.batchDuration ?? .seconds(10),
            explicitAcknowledgement: isHTTP || record.acknowledgement == .explicit,
            autoReplay: isHTTP || record.autoReplayOnConnect == true,
            format: record.format?.payloadFormat ?? .xml,
            compression: record.compression?.payloadCompression ?? .none,
            maximumStoredBlocks: limits.maximumStoredBlocks,
            maximumInFlight: isHTTP ? 1 : limits.maximumInFlightBlocks,
            maximumStoredBytes: limits.maximumStoredBytes
        )
    }

    /// The client went away (or was replaced): with auto-replay everything is kept; without,
    /// everything not acknowledged is discarded and counted as dropped.
    mutating func disconnect() {
        if !self.outbox.settings.autoReplay {
            self.outbox.discardAll()
        }
        self.outbox.disconnect()
    }

    /// Whether one of the monitor's topics passes the event.
    func matches(_ event: RaisedEvent) -> Bool {
        self.topics.contains { $0.matches(resource: event.resourceType, path: event.path, operation: event.operation) }
    }

    /// Adds a matching event when the monitor records events now.
    mutating func offer(_ event: DocumentWriter.Event, recording: Bool, now: ContinuousClock.Instant) {
        guard recording else {
            self.refusedEvents += 1
            return
        }
        if self.outbox.add(event, now: now) {
            self.eventsAccepted += 1
        }
    }

    /// The next step of a deliverer: close a due batch, then take what may be sent.
    mutating func nextStep(now: ContinuousClock.Instant) -> Step {
        self.outbox.closeDueBatch(now: now)
        let blocks = self.outbox.takeSendable()
        return blocks.isEmpty ? .wait(until: self.outbox.deadline) : .send(blocks)
    }

    /// Makes `continuation` the current deliverer's wake-up, stopping any previous deliverer.
    mutating func attach(_ continuation: AsyncStream<Void>.Continuation) {
        self.wakeup?.finish()
        self.wakeup = continuation
    }

    /// Wakes the current deliverer, if any.
    func wake() {
        self.wakeup?.yield()
    }

    /// Stops the current deliverer, if any.
    mutating func stopDeliverer() {
        self.wakeup?.finish()
        self.wakeup = nil
    }

    var statistics: MonitorDeliveryStatistics {
        var statistics = MonitorDeliveryStatistics()
        statistics.eventsAccepted = self.eventsAccepted
        statistics.eventsDropped = self.refusedEvents + self.outbox.droppedEvents
        statistics.blocksSent = self.blocksSent
        statistics.blocksAcknowledged = self.blocksAcknowledged
        statistics.deliveryFailures = self.deliveryFailures
        let backlog = self.outbox.backlog
        statistics.pendingEvents = backlog.events
        statistics.readyBlocks = backlog.readyBlocks
        statistics.inFlightBlocks = backlog.inFlightBlocks
        return statistics
    }
}
