public import DeviceCloudProtocol
public import Foundation
import DeviceCloudServerSupport

/// The simulator's monitors: one store shared by the `/ws/Monitor` routes, the ingestion routes,
/// the push servers and the HTTP deliverers.
///
/// Records are kept complete (every element of the specification, status fields included) and
/// ordered by id. Beside each record the store keeps the monitor's delivery state: its parsed
/// topics and a ``MonitorOutbox`` (batching, encoding, acknowledgements, replay). Events enter
/// with ``raise(_:)``; each monitor's deliverer sends its blocks (see ``serve(_:)`` for TCP and
/// ``Simulator`` for HTTP).
///
/// Status, as the store keeps it:
/// - TCP: `INACTIVE` when created or updated (no client has connected since) and after a client
///   of a monitor without auto-replay has gone; `ACTIVE` while a client is connected; `SUSPENDED`
///   once a client of an auto-replay monitor has gone. An auto-replay monitor records events
///   whenever no client is connected (from its creation on) and replays them, after the blocks
///   left unacknowledged, on the next connection; without auto-replay they are dropped.
/// - HTTP: `INACTIVE` until the first delivery; `ACTIVE` after a 2xx answer; `CONNECTING` while
///   retrying after a failure; `DISABLED` once deliveries failed for the failure window (events
///   are no longer recorded until the monitor is updated).
///
/// Tests may call it directly, e.g. to insert thousands of monitors at once, or to raise events
/// of any resource type.
public actor MonitorStore {
    /// The account's customer id (`cstId` of every monitor).
    public nonisolated let customerID: Int

    private nonisolated let username: String
    private nonisolated let password: String

    /// The monitors by id.
    var records: [UInt32: MonitorRecord] = [:]
    /// Monitor ids in ascending order (ids are handed out increasing, so appends keep the order).
    var orderedIDs: [UInt32] = []
    /// The id the next monitor gets.
    var nextID: UInt32
    /// The live push session of each connected monitor.
    var sessions: [UInt32: PushServerSession] = [:]
    /// The clock for status timestamps.
    let now: @Sendable () -> Date

    /// Bounds on each monitor's stored blocks.
    public nonisolated let deliveryLimits: MonitorDeliveryLimits
    /// The delivery state of each monitor, by id.
    var deliveries: [UInt32: MonitorDelivery] = [:]
    /// The monitors with a topic on each resource type, for routing raised events.
    var subscribers: [String: Set<UInt32>] = [:]
    /// The last delivery generation handed out (one per create or update).
    var lastGeneration = 0
    /// HTTP monitors whose deliverer is to be started, with the generation it serves.
    var httpDelivererRequests: [UInt32: Int] = [:]
    /// Wakes whoever starts HTTP deliverers (``Simulator/run()``).
    nonisolated let httpDelivererWakeups: AsyncStream<Void>
    let httpDelivererWakeup: AsyncStream<Void>.Continuation
    /// The clock for batch deadlines.
    let clock = ContinuousClock()
    /// Tasks awaiting a record condition.
    nonisolated let recordChanges = Waiters<RecordChange>()
    /// Bounds on each persistent monitor's saved events.
    public nonisolated let historyLimits: MonitorHistoryLimits
    /// The saved events of each persistent monitor.
    var histories: [UInt32: MonitorHistory] = [:]

    /// Creates an empty store for one account.
    ///
    /// - Parameters:
    ///   - username: the account's user name, for REST and push.
    ///   - password: the account's password. Never logged.
    ///   - customerID: the `cstId` of the account's monitors.
    ///   - firstMonitorID: the id of the first monitor created.
    ///   - deliveryLimits: bounds on what each monitor keeps for delivery.
    ///   - historyLimits: bounds on the events each persistent monitor saves for the history API.
    ///   - now: the clock for `monLastConnect` and other timestamps.
    public init(
        username: String,
        password: String,
        customerID: Int = 7603,
        firstMonitorID: UInt32 = 1,
        deliveryLimits: MonitorDeliveryLimits = .default,
        historyLimits: MonitorHistoryLimits = .default,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.historyLimits = historyLimits
        self.username = username
        self.password = password
        self.customerID = customerID
        self.nextID = firstMonitorID
        self.deliveryLimits = deliveryLimits
        self.now = now
        (self.httpDelivererWakeups, self.httpDelivererWakeup) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether the credentials are the account's (compared in constant time).
    public nonisolated func authenticate(username: String, password: String) -> Bool {
        let nameMatches = constantTimeEquals(username, self.username)
        let passwordMatches = constantTimeEquals(password, self.password)
        return nameMatches && passwordMatches
    }

    /// Every monitor, by ascending id.
    public var allRecords: [MonitorRecord] {
        self.orderedIDs.compactMap { self.records[$0] }
    }

    /// The monitor with the id, if any.
    public func record(id: UInt32) -> MonitorRecord? {
        self.records[id]
    }

    /// The live push session of a monitor, if a client is connected.
    public func session(for id: UInt32) -> PushServerSession? {
        self.sessions[id]
    }

    /// Creates a monitor; the service's defaults fill the elements not given.
    ///
    /// - Throws: ``SimulatorError/Code/invalidDefinition``.
    @discardableResult
    public func create(_ definition: MonitorDefinition) throws(SimulatorError) -> MonitorRecord {
        let definition = try Self.validated(Self.withDefaults(definition))
        guard self.nextID < UInt32.max else {
            throw SimulatorError(.invalidDefinition, "no monitor ids left")
        }
        let id = self.nextID
        self.nextID += 1
        let record = MonitorRecord(id: id, customerID: self.customerID, definition: definition, status: .inactive)
        self.records[id] = record
        self.orderedIDs.append(id)
        self.installDelivery(for: record)
        self.recordChanged(id)
        return record
    }

    /// Creates many monitors at once (all or none).
    ///
    /// - Throws: ``SimulatorError/Code/invalidDefinition`` for the first invalid definition.
    @discardableResult
    public func create(contentsOf definitions: some Sequence<MonitorDefinition>) throws(SimulatorError) -> [MonitorRecord] {
        var checked: [MonitorDefinition] = []
        for definition in definitions {
            checked.append(try Self.validated(Self.withDefaults(definition)))
        }
        var created: [MonitorRecord] = []
        created.reserveCapacity(checked.count)
        for definition in checked {
            created.append(try self.create(definition))
        }
        return created
    }

    /// Replaces the elements set in `changes`; like the service, resets the monitor's state:
    /// its status becomes `INACTIVE`, a connected push client is disconnected, and its batches,
    /// unacknowledged blocks, recorded events and delivery counters start over (this is also
    /// how a `DISABLED` HTTP monitor is enabled again).
    ///
    /// - Throws: ``SimulatorError/Code/notFound`` or ``SimulatorError/Code/invalidDefinition``.
    @discardableResult
    public func update(id: UInt32, with changes: MonitorDefinition) throws(SimulatorError) -> MonitorRecord {
        guard var record = self.records[id] else {
            throw SimulatorError(.notFound, "monitor \(id) does not exist")
        }
        record.definition = try Self.validated(Self.withDefaults(record.definition.merging(changes)))
        record.status = .inactive
        self.records[id] = record
        self.sessions.removeValue(forKey: id)?.close()
        self.installDelivery(for: record)
        self.recordChanged(id)
        return record
    }

    /// Deletes a monitor and disconnects its push client, if any.
    ///
    /// - Throws: ``SimulatorError/Code/notFound``.
    public func delete(id: UInt32) throws(SimulatorError) {
        guard self.records.removeValue(forKey: id) != nil else {
            throw SimulatorError(.notFound, "monitor \(id) does not exist")
        }
        if let index = self.orderedIDs.firstIndex(of: id) {
            self.orderedIDs.remove(at: index)
        }
        self.sessions.removeValue(forKey: id)?.close()
        self.removeDelivery(of: id)
        self.histories[id] = nil
        self.recordChanged(id)
    }

    /// Resets a monitor as `/ws/v1/monitors/inventory/{id}/reset` does: its state starts over
    /// exactly as after an update (a `DISABLED` HTTP monitor is enabled again and delivers
    /// anew); its elements and saved history are kept.
    ///
    /// - Throws: ``SimulatorError/Code/notFound``.
    @discardableResult
    public func reset(id: UInt32) throws(SimulatorError) -> MonitorRecord {
        try self.update(id: id, with: MonitorDefinition())
    }

    /// One page of the monitors matching `condition`, by ascending id.
    ///
    /// - Throws: ``SimulatorError/Code/invalidCondition`` when the condition names an element
    ///   monitors do not have.
    public func page(matching condition: MonitorCondition?, start: Int, size: Int) throws(SimulatorError) -> MonitorListPage {
        var matching = self.allRecords
        if let condition {
            let evaluator = try MonitorConditionEvaluator(condition)
            matching = matching.filter(evaluator.matches)
        }
        return MonitorListPage(slicing: matching, start: start, size: size)
    }

    /// Sets the status fields of a monitor (for the parts of the simulator that deliver events).
    public func setStatus(
        _ status: MonitorStatus,
        lastConnect: Date? = nil,
        lastSent: Date? = nil,
        of id: UInt32
    ) {
        guard var record = self.records[id] else { return }
        record.status = status
        if let lastConnect { record.lastConnect = lastConnect }
        if let lastSent { record.lastSent = lastSent }
        self.records[id] = record
        self.recordChanged(id)
    }

    /// The service's defaults for the elements a create leaves out.
    static func withDefaults(_ definition: MonitorDefinition) -> MonitorDefinition {
        let transport = definition.transportType ?? .tcp
        var defaults = MonitorDefinition(
            transportType: transport,
            format: .xml,
            batchSize: 100,
            batchDuration: .seconds(10),
            compression: .uncompressed,
            autoReplayOnConnect: false
        )
        switch transport {
        case .tcp:
            defaults.acknowledgement = .off
        case .http:
            defaults.transportMethod = .put
            defaults.connectTimeout = .zero
            defaults.responseTimeout = .zero
        default:
            break
        }
        return defaults.merging(definition)
    }

    /// Checks a definition as the service would, so that every stored record can be written
    /// back as XML and JSON.
    static func validated(_ definition: MonitorDefinition) throws(SimulatorError) -> MonitorDefinition {
        func invalid(_ message: String) -> SimulatorError { SimulatorError(.invalidDefinition, message) }
        guard let topics = definition.topics, !topics.isEmpty else { throw invalid("monTopic is required") }
        for topic in topics where TopicFilter(topic) == nil {
            throw invalid("the topic \"\(topic)\" is not a resource with an optional path and [I,U,D] filter")
        }
        if let value = definition.transportType, !value.isRecognized {
            throw invalid("monTransportType must be tcp or http, not \(value)")
        }
        if let value = definition.format, !value.isRecognized { throw invalid("monFormatType must be xml or json, not \(value)") }
        if let value = definition.compression, !value.isRecognized {
            throw invalid("monCompression must be zlib, gzip or none, not \(value)")
        }
        if let value = definition.acknowledgement, !value.isRecognized {
            throw invalid("monAckOption must be explicit or off, not \(value)")
        }
        if let value = definition.transportMethod, !value.isRecognized {
            throw invalid("monTransportMethod must be PUT or POST, not \(value)")
        }
        if let batchSize = definition.batchSize, batchSize < 1 { throw invalid("monBatchSize must be at least 1") }
        if definition.transportType == .http {
            guard let url = definition.transportURL.flatMap(URL.init(string:)),
                let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
            else { throw invalid("an http monitor needs an http or https monTransportUrl") }
        }
        do {
            _ = try definition.xmlDocument()
        } catch {
            throw invalid(error.message)
        }
        return definition
    }
}
