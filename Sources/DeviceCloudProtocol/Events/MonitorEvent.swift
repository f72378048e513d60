public import NIOCore

/// One event of a monitor batch: a change to a resource such as a DataPoint or a DeviceCore.
///
/// The envelope fields (``topic``, ``operation``, ``timestamp``, ``group``, ``resourceType``)
/// are read when the batch is decoded; the resource itself stays as raw bytes in ``body``
/// and is parsed only when asked (see ``decode(_:)``).
public struct MonitorEvent: Sendable, Hashable {
    /// The concrete topic, `{cstId}/{Resource}/{path…}`, e.g. `7603/DataPoint/test`.
    public var topic: String
    /// What happened to the resource.
    public var operation: Operation
    /// When the service recorded the event, as sent (ISO-8601 UTC), or `nil` when absent.
    public var timestamp: String?
    /// The event's group (often `*`), or `nil` when absent.
    public var group: String?
    /// The name of the resource element, e.g. `DataPoint`, `DeviceCore`, `FileData`.
    public var resourceType: String
    /// The raw bytes of the resource: a JSON value (`{…}`) for JSON documents, or the whole
    /// element (`<DataPoint>…</DataPoint>`) for XML documents.
    public var body: ByteBuffer
    /// The format ``body`` is in.
    public var format: PayloadFormat

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates an event.
    public init(
        topic: String,
        operation: Operation,
        timestamp: String?,
        group: String?,
        resourceType: String,
        body: ByteBuffer,
        format: PayloadFormat
    ) {
        self.topic = topic
        self.operation = operation
        self.timestamp = timestamp
        self.group = group
        self.resourceType = resourceType
        self.body = body
        self.format = format
    }
}

extension MonitorEvent {
    /// The operation of an event: insertion, update or delete.
    ///
    /// Parsed case-insensitively (the service sends `INSERTION` in JSON and `update` in XML);
    /// values this library does not know are kept, upper-cased, in ``rawValue``.
    public struct Operation: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The upper-cased spelling, e.g. `INSERTION`.
        public let rawValue: String

        /// Creates an operation from any spelling; the value is upper-cased.
        public init(rawValue: String) {
            self.rawValue = rawValue.uppercased()
        }

        /// A resource was created.
        public static let insertion = Operation(rawValue: "INSERTION")
        /// A resource was changed.
        public static let update = Operation(rawValue: "UPDATE")
        /// A resource was removed.
        public static let delete = Operation(rawValue: "DELETE")

        public var description: String { self.rawValue }
    }
}
