public import DeviceCloudProtocol
import NIOCore

/// What the service does with one monitor's events: batching by size and duration, encoding,
/// block ids, acknowledgement bookkeeping and replay. A plain value with no I/O, driven by the
/// simulator's store and connections, so its rules are testable on their own.
public struct MonitorOutbox: Sendable {
    /// The monitor settings that shape delivery.
    public struct Settings: Sendable, Hashable {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        /// `monBatchSize`: a block closes when it holds this many events.
        public var batchSize: Int
        /// `monBatchDuration`: a block closes this long after its first event.
        public var batchDuration: Duration
        /// `monAckOption` explicit: sent blocks are kept until acknowledged.
        public var explicitAcknowledgement: Bool
        /// `monAutoReplayOnConnect`: keep events and unacknowledged blocks while disconnected.
        public var autoReplay: Bool
        /// `monFormatType`.
        public var format: PayloadFormat
        /// `monCompression`.
        public var compression: PayloadCompression
        /// The most blocks kept for replay or awaiting acknowledgement; the oldest go first.
        public var maximumStoredBlocks: Int
        /// The most payload bytes kept for replay or awaiting acknowledgement; the oldest blocks go first.
        public var maximumStoredBytes: Int
        /// The most blocks sent and not yet acknowledged before sending pauses.
        public var maximumInFlight: Int

        // Written out: Swift synthesises no public memberwise initialiser.
        /// Creates settings; defaults as the service's (100 events, 10 s).
        public init(
            batchSize: Int = 100,
            batchDuration: Duration = .seconds(10),
            explicitAcknowledgement: Bool = false,
            autoReplay: Bool = false,
            format: PayloadFormat = .json,
            compression: PayloadCompression = .none,
            maximumStoredBlocks: Int = 10_000,
            maximumInFlight: Int = 512,
            maximumStoredBytes: Int = 64 << 20
        ) {
            self.batchSize = max(1, batchSize)
            self.batchDuration = batchDuration
            self.explicitAcknowledgement = explicitAcknowledgement
            self.autoReplay = autoReplay
            self.format = format
            self.compression = compression
            self.maximumStoredBlocks = max(1, maximumStoredBlocks)
            self.maximumStoredBytes = max(1, maximumStoredBytes)
            self.maximumInFlight = max(1, maximumInFlight)
        }
    }

    /// The settings in force.
    public private(set) var settings: Settings
    /// Whether a client is connected.
    public private(set) var isConnected = false
    /// Events dropped: raised while disconnected without replay, or pushed out by the storage cap.
    public private(set) var droppedEvents = 0

    private var pending: [DocumentWriter.Event] = []
    private var pendingSince: ContinuousClock.Instant?
    private var ready = CircularBuffer<PublishMessage>()
    private var inFlight = CircularBuffer<PublishMessage>()
    private var nextBlockID: UInt16 = 0
    /// Payload bytes of the blocks in `ready` and `inFlight`.
    public private(set) var storedBytes = 0

    /// Creates an empty outbox whose first block gets `firstBlockID`.
    public init(settings: Settings, firstBlockID: UInt16 = 0) {
        self.settings = settings
        self.nextBlockID = firstBlockID
    }

    /// Events waiting to be batched, blocks ready to send, and blocks awaiting acknowledgement.
    public var backlog: (events: Int, readyBlocks: Int, inFlightBlocks: Int) {
        (self.pending.count, self.ready.count, self.inFlight.count)
    }

    /// When the open batch must close, if one is open.
    public var deadline: ContinuousClock.Instant? {
        self.pendingSince.map { $0.advanced(by: self.settings.batchDuration) }
    }

    /// Whether blocks can be sent now.
    public var hasSendableBlocks: Bool {
        self.isConnected && !self.ready.isEmpty
            && (!self.settings.explicitAcknowledgement || self.inFlight.count < self.settings.maximumInFlight)
    }

    /// Adds an event; it is dropped when nobody is connected and the monitor does not replay.
    ///
    /// - Returns: `false` when the event was dropped.
    @discardableResult
    public mutating func add(_ event: DocumentWriter.Event, now: ContinuousClock.Instant) -> Bool {
        guard self.isConnected || self.settings.autoReplay else {
            self.droppedEvents += 1
            return false
        }
        if self.pending.isEmpty { self.pendingSince = now }
        self.pending.append(event)
        if self.pending.count >= self.settings.batchSize {
            self.closeBatch()
        }
        return true
    }

    /// Closes the open batch when its duration has passed.
    public mutating func closeDueBatch(now: ContinuousClock.Instant) {
        if let deadline = self.deadline, deadline <= now {
            self.closeBatch()
        }
    }

    /// Closes the open batch now, whatever its size.
    public mutating func closeBatch() {
        guard !self.pending.isEmpty else { return }
        let events = self.pending
        self.pending.removeAll(keepingCapacity: true)
        self.pendingSince = nil
        do {
            let message = try BlockEncoder.publishMessage(
                blockID: self.nextBlockID,
                events: events,
                format: self.settings.format,
                compression: self.settings.compression
            )
            self.nextBlockID &+= 1
            self.ready.append(message)
            self.storedBytes += message.payload.readableBytes
        } catch {
            // Encoding only fails for documents beyond 4 GiB; count them as dropped.
            self.droppedEvents += events.count
        }
        self.enforceStorageCap()
    }

    /// Takes the blocks to write now, in order; with explicit acknowledgement they stay stored
    /// until acknowledged (or replayed after a reconnect).
    public mutating func takeSendable() -> [PublishMessage] {
        guard self.isConnected else { return [] }
        var taken: [PublishMessage] = []
        while let next = self.ready.first {
            if self.settings.explicitAcknowledgement {
                guard self.inFlight.count < self.settings.maximumInFlight else { break }
                self.inFlight.append(next)
            } else {
                self.storedBytes -= next.payload.readableBytes
            }
            taken.append(next)
            self.ready.removeFirst()
        }
        return taken
    }

    /// Records an acknowledgement; blocks acknowledged out of order are removed too.
    ///
    /// - Returns: whether a block with that id was awaiting acknowledgement.
    @discardableResult
    public mutating func acknowledge(blockID: UInt16) -> Bool {
        guard let index = self.inFlight.firstIndex(where: { $0.blockID == blockID }) else { return false }
        self.storedBytes -= self.inFlight.remove(at: index).payload.readableBytes
        return true
    }

    /// A client connected: with replay, blocks sent but not acknowledged go out again first.
    public mutating func connect() {
        self.isConnected = true
        if self.settings.autoReplay {
            var replay = self.inFlight
            replay.append(contentsOf: self.ready)
            self.ready = replay
        } else {
            self.ready.removeAll()
            self.storedBytes = 0
        }
        self.inFlight.removeAll()
    }

    /// The client went away: without replay, everything not yet acknowledged is dropped.
    public mutating func disconnect() {
        self.isConnected = false
        if !self.settings.autoReplay {
            self.droppedEvents += self.pending.count
            self.pending.removeAll()
            self.pendingSince = nil
            self.ready.removeAll()
            self.inFlight.removeAll()
            self.storedBytes = 0
        }
    }

    /// Discards every event and block, counting their events as dropped; the connection state
    /// and settings stay (an HTTP monitor that becomes `DISABLED` records nothing more).
    public mutating func discardAll() {
        self.droppedEvents += self.pending.count
        self.pending.removeAll()
        self.pendingSince = nil
        for block in self.ready { self.droppedEvents += Int(block.count) }
        for block in self.inFlight { self.droppedEvents += Int(block.count) }
        self.ready.removeAll()
        self.inFlight.removeAll()
        self.storedBytes = 0
    }

    /// New settings (a PUT): the monitor's state starts over, as the service does.
    public mutating func reset(settings: Settings) {
        self = MonitorOutbox(settings: settings)
    }

    private mutating func enforceStorageCap() {
        while self.ready.count + self.inFlight.count > self.settings.maximumStoredBlocks
            || (self.storedBytes > self.settings.maximumStoredBytes && self.ready.count + self.inFlight.count > 1)
        {
            let dropped = self.inFlight.isEmpty ? self.ready.removeFirst() : self.inFlight.removeFirst()
            self.droppedEvents += Int(dropped.count)
            self.storedBytes -= dropped.payload.readableBytes
        }
    }
}
