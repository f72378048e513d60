public import DeviceCloud

/// Where a ``MonitorRelay`` commits the batches it pulls: a database, a log, another service.
///
/// The relay acknowledges a batch to the service only after ``write(_:)`` has returned for it,
/// so a sink must return only once the batches are durable (committed, fsynced as far as the
/// sink promises) and must throw if it cannot say so. The service delivers at least once: a
/// sink receives the same events again after a crash or a reconnect, and should store them
/// idempotently (see ``StoredEvent/eventKey``).
///
/// The relay calls ``write(_:)`` from one task at a time.
public protocol MonitorSink: Sendable {
    /// Stores the events of `batches` in one transaction and returns once it is durable.
    ///
    /// A batch without events (an empty block) has nothing to store; it is still part of the
    /// transaction's batches and is acknowledged after it.
    ///
    /// - Returns: what the write did, for statistics.
    /// - Throws: any error when the transaction did not commit; the relay then acknowledges
    ///   nothing of it and retries.
    func write(_ batches: [MonitorBatch]) async throws -> MonitorSinkReceipt
}

/// What one ``MonitorSink/write(_:)`` stored.
public struct MonitorSinkReceipt: Sendable, Hashable {
    // A plain record of its own fields; alike in shape to other records, not in meaning.
    /// Events newly stored.
    public var inserted: Int
    /// Events skipped because they were already stored (replays after a crash or reconnect).
    public var duplicates: Int

    /// Creates a receipt.
    public init(inserted: Int, duplicates: Int) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}
