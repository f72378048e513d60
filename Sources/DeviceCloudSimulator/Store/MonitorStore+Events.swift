import DeviceCloudServerSupport
public import DeviceCloudProtocol
import Foundation

extension MonitorStore {
    /// Raises events inside the simulated service: each goes, as a document event on
    /// `{cstId}/{Resource}/{path}`, to every monitor with a matching topic (resource type,
    /// operation filter such as `DataPoint[U]`, path narrowing such as `DataPoint/plant7`), TCP
    /// and HTTP alike, and wakes those monitors' deliverers.
    ///
    /// The DataPoint ingestion routes call this; tests and tools use it to raise events of any
    /// resource type (e.g. DeviceCore connects and disconnects).
    ///
    /// A TCP monitor keeps an event while a client is connected, or at any time with
    /// auto-replay (from its creation on: a client that connects late still gets everything);
    /// an HTTP monitor keeps it unless `DISABLED`. Otherwise the event is counted as dropped in
    /// the monitor's ``MonitorDeliveryStatistics``.
    ///
    /// - Returns: how many (event, monitor) pairs matched.
    @discardableResult
    public func raise(_ events: [RaisedEvent]) -> Int {
        let now = self.clock.now
        let savedAt = self.now()
        var matched = 0
        var woken: Set<UInt32> = []
        for event in events {
            guard let ids = self.subscribers[event.resourceType] else { continue }
            var document: DocumentWriter.Event?
            for id in ids where self.deliveries[id]?.matches(event) == true {
                let written = document ?? event.documentEvent(customerID: self.customerID)
                document = written
                let recording = self.isRecording(id)
                // Mutated in place through the dictionary: the outbox's buffers are never copied.
                self.deliveries[id]?.offer(written, recording: recording, now: now)
                if self.records[id]?.definition.persistent == true {
                    self.histories[id, default: MonitorHistory(limits: self.historyLimits)].append(written, savedAt: savedAt)
                }
                matched += 1
                woken.insert(id)
            }
        }
        for id in woken {
            self.deliveries[id]?.wake()
        }
        return matched
    }

    /// How many events a persistent monitor has saved now (0 for any other).
    public func historyCount(id: UInt32) -> Int {
        self.histories[id]?.entries.count ?? 0
    }

    /// One page of a monitor's saved events, `nil` for an unknown monitor.
    func historyPage(id: UInt32, from: Date?, to: Date?, cursor: Int, size: Int) -> MonitorHistory.Page? {
        guard self.records[id] != nil else { return nil }
        return self.histories[id]?.page(from: from, to: to, cursor: cursor, size: size) ?? MonitorHistory.Page(entries: [], nextCursor: nil)
    }

    /// What the simulator has done with a monitor's events, or `nil` for an unknown monitor.
    public func deliveryStatistics(id: UInt32) -> MonitorDeliveryStatistics? {
        self.deliveries[id]?.statistics
    }

    /// Waits until the monitor's record (`nil` once deleted) satisfies `condition`, and returns
    /// it. Every change the store makes (status, `monLastSent`, an update, a delete) is checked,
    /// so tests await a status instead of polling.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    @discardableResult
    public func wait(
        forMonitor id: UInt32,
        until condition: @escaping @Sendable (MonitorRecord?) -> Bool
    ) async throws -> MonitorRecord? {
        let change = try await self.recordChanges.wait(
            until: { $0.monitorID == id && condition($0.record) },
            // Read on the actor while the waiter is registered: no change is missed.
            current: { RecordChange(monitorID: id, record: self.records[id]) }
        )
        return change.record
    }

    /// Whether a monitor keeps matching events now (see ``raise(_:)``).
    func isRecording(_ id: UInt32) -> Bool {
        guard let delivery = self.deliveries[id], let record = self.records[id] else { return false }
        switch delivery.transport {
        case .http:
            return record.status != .disabled
        default:
            // The outbox drops what arrives while disconnected without auto-replay.
            return true
        }
    }

    /// Tells waiters that a record changed.
    func recordChanged(_ id: UInt32) {
        self.recordChanges.resume(satisfying: RecordChange(monitorID: id, record: self.records[id]))
    }

    /// (Re)builds a monitor's delivery state from its record, stopping the deliverer of the
    /// previous state and asking for an HTTP deliverer when needed.
    func installDelivery(for record: MonitorRecord) {
        self.removeDelivery(of: record.id)
        self.lastGeneration += 1
        let delivery = MonitorDelivery(record: record, limits: self.deliveryLimits, generation: self.lastGeneration)
        self.deliveries[record.id] = delivery
        for resource in Set(delivery.topics.map(\.resource)) {
            self.subscribers[resource, default: []].insert(record.id)
        }
        if delivery.transport == .http {
            self.httpDelivererRequests[record.id] = delivery.generation
            self.httpDelivererWakeup.yield()
        }
    }

    /// Drops a monitor's delivery state and stops its deliverer.
    func removeDelivery(of id: UInt32) {
        guard var delivery = self.deliveries.removeValue(forKey: id) else { return }
        delivery.stopDeliverer()
        self.httpDelivererRequests[id] = nil
        for resource in Set(delivery.topics.map(\.resource)) {
            self.subscribers[resource]?.remove(id)
            if self.subscribers[resource]?.isEmpty == true { self.subscribers[resource] = nil }
        }
    }
}

/// A monitor's record after a change (`nil` once deleted), as the store's waiters see it.
struct RecordChange: Sendable {
    let monitorID: UInt32
    let record: MonitorRecord?
}
