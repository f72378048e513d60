public import DeviceCloud
public import DeviceCloudProtocol
import Foundation
public import Crypto
import NIOCore

/// One row of the `monitor_events` table: an event as a sink stores it.
///
/// Both database sinks share this shape, so the same event gets the same ``eventKey`` whichever
/// database holds it.
public struct StoredEvent: Sendable, Hashable {
    /// The monitor that delivered the event.
    public var monitorID: UInt32
    /// The block that carried it.
    public var blockID: UInt16
    /// The concrete topic, e.g. `7603/DataPoint/test`.
    public var topic: String
    /// `INSERTION`, `UPDATE` or `DELETE`.
    public var operation: String
    /// When the service recorded the event (ISO-8601, as sent), if it said.
    public var eventTime: String?
    /// The event's group, if any.
    public var eventGroup: String?
    /// The resource element, e.g. `DataPoint`.
    public var resourceType: String
    /// `json` or `xml`.
    public var format: String
    /// The resource's document text exactly as received.
    public var body: String
    /// SHA-256 over the event's exact bytes: its envelope (topic, operation, time, group and
    /// resource type, each followed by a zero byte) and then the body's bytes as received.
    ///
    /// A replayed block carries byte-identical events, so the key finds them already stored;
    /// two different events differ in some byte, so they get different keys.
    public var eventKey: Data
    /// Makes the row of `event`, which arrived in `batch`. (The database sets `received_at` when
    /// the transaction writes the row.)
    public init(_ event: MonitorEvent, of batch: MonitorBatch) {
        self.monitorID = batch.monitorID
        self.blockID = batch.blockID
        self.topic = event.topic
        self.operation = event.operation.rawValue
        self.eventTime = event.timestamp
        self.eventGroup = event.group
        self.resourceType = event.resourceType
        self.format = event.format == .xml ? "xml" : "json"
        self.body = String(buffer: event.body)
        self.eventKey = Self.key(of: event)
    }

    /// The rows of every event of `batches`, in delivery order.
    public static func rows(of batches: [MonitorBatch]) -> [StoredEvent] {
        var rows: [StoredEvent] = []
        rows.reserveCapacity(batches.reduce(0) { $0 + $1.events.count })
        for batch in batches {
            for event in batch.events {
                rows.append(StoredEvent(event, of: batch))
            }
        }
        return rows
    }

    /// The ``eventKey`` of an event.
    public static func key(of event: MonitorEvent) -> Data {
        Data(Self.digest(of: event))
    }

    /// The SHA-256 behind ``eventKey``, without copying it into `Data`.
    public static func digest(of event: MonitorEvent) -> SHA256.Digest {
        var hasher = SHA256()
        Self.update(&hasher, with: event.topic)
        Self.update(&hasher, with: event.operation.rawValue)
        Self.update(&hasher, with: event.timestamp ?? "")
        Self.update(&hasher, with: event.group ?? "")
        Self.update(&hasher, with: event.resourceType)
        event.body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }

    private static func update(_ hasher: inout SHA256, with field: String) {
        var field = field
        field.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
    }
}
