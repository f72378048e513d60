import Foundation

/// The settable elements of a monitor: what a create (`POST`) or update (`PUT`) sends.
///
/// Every element is optional: `nil` leaves it out of the document, so the service applies its
/// default on create and keeps the current value on update.
///
/// Printing, dumping or logging a definition never shows the transport token or the values of
/// the extra headers (they often carry credentials).
public struct MonitorDefinition: Sendable, Hashable, CustomReflectable {
    /// `monTopic`: the topics, e.g. `["DataPoint[U]", "DeviceCore"]`.
    public var topics: [String]?
    /// `monTransportType`.
    public var transportType: MonitorTransportType?
    /// `monFormatType`.
    public var format: MonitorFormat?
    /// `monBatchSize`: most events in one block (service default 100).
    public var batchSize: Int?
    /// `monBatchDuration`: longest time an event waits to be batched, in whole seconds
    /// (service default 10 s).
    public var batchDuration: Duration?
    /// `monCompression` (service default none).
    public var compression: MonitorCompression?
    /// `monAckOption`, TCP only (service default off).
    public var acknowledgement: MonitorAckOption?
    /// `monAutoReplayOnConnect`: replay events missed while disconnected (service default false).
    public var autoReplayOnConnect: Bool?
    /// `monDescription`: free text.
    public var description: String?
    /// `monTransportUrl`, HTTP only: the customer URL.
    public var transportURL: String?
    /// `monTransportToken`, HTTP only: `username:password` for the customer server. Never printed.
    public var transportToken: String?
    /// `monTransportMethod`, HTTP only (service default PUT).
    public var transportMethod: MonitorHTTPMethod?
    /// `monTransportHeaders`, HTTP only: extra headers by name. Values are never printed.
    public var transportHeaders: [String: String]?
    /// `monConnectTimeout`, HTTP only, whole milliseconds; zero means the default (5 s).
    public var connectTimeout: Duration?
    /// `monResponseTimeout`, HTTP only, whole milliseconds; zero means the default (5 s).
    public var responseTimeout: Duration?
    /// `monSchemaType` (v1 `schema_type`): the template language of a templated monitor,
    /// e.g. `handlebars`. A templated monitor's payloads are the rendered template, not a
    /// `Document`.
    public var schemaType: String?
    /// `monSchemaData` (v1 `schema`): the template.
    public var schemaData: String?
    /// `monPersistent` (v1 `persistent`): the service saves the monitor's events for
    /// `/ws/v1/monitors/history`.
    public var persistent: Bool?

    /// Whether the monitor renders a template (``schemaType`` set and not blank): its
    /// payloads are the user's template, which the event scanner must not read.
    public var isTemplated: Bool {
        !(self.schemaType ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    }

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a definition; elements left `nil` are not sent.
    public init(
        topics: [String]? = nil,
        transportType: MonitorTransportType? = nil,
        format: MonitorFormat? = nil,
        batchSize: Int? = nil,
        batchDuration: Duration? = nil,
        compression: MonitorCompression? = nil,
        acknowledgement: MonitorAckOption? = nil,
        autoReplayOnConnect: Bool? = nil,
        description: String? = nil,
        transportURL: String? = nil,
        transportToken: String? = nil,
        transportMethod: MonitorHTTPMethod? = nil,
        transportHeaders: [String: String]? = nil,
        connectTimeout: Duration? = nil,
        responseTimeout: Duration? = nil,
        schemaType: String? = nil,
        schemaData: String? = nil,
        persistent: Bool? = nil
    ) {
        self.topics = topics
        self.transportType = transportType
        self.format = format
        self.batchSize = batchSize
        self.batchDuration = batchDuration
        self.compression = compression
        self.acknowledgement = acknowledgement
        self.autoReplayOnConnect = autoReplayOnConnect
        self.description = description
        self.transportURL = transportURL
        self.transportToken = transportToken
        self.transportMethod = transportMethod
        self.transportHeaders = transportHeaders
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.schemaType = schemaType
        self.schemaData = schemaData
        self.persistent = persistent
    }

    /// The elements of `other` that are set replace those of `self`.
    public func merging(_ other: MonitorDefinition) -> MonitorDefinition {
        MonitorDefinition(
            topics: other.topics ?? self.topics,
            transportType: other.transportType ?? self.transportType,
            format: other.format ?? self.format,
            batchSize: other.batchSize ?? self.batchSize,
            batchDuration: other.batchDuration ?? self.batchDuration,
            compression: other.compression ?? self.compression,
            acknowledgement: other.acknowledgement ?? self.acknowledgement,
            autoReplayOnConnect: other.autoReplayOnConnect ?? self.autoReplayOnConnect,
            description: other.description ?? self.description,
            transportURL: other.transportURL ?? self.transportURL,
            transportToken: other.transportToken ?? self.transportToken,
            transportMethod: other.transportMethod ?? self.transportMethod,
            transportHeaders: other.transportHeaders ?? self.transportHeaders,
            connectTimeout: other.connectTimeout ?? self.connectTimeout,
            responseTimeout: other.responseTimeout ?? self.responseTimeout,
            schemaType: other.schemaType ?? self.schemaType,
            schemaData: other.schemaData ?? self.schemaData,
            persistent: other.persistent ?? self.persistent
        )
    }

    /// Shows the transport token and header values as `<redacted>`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "topics": self.topics as Any,
                "transportType": self.transportType as Any,
                "format": self.format as Any,
                "batchSize": self.batchSize as Any,
                "batchDuration": self.batchDuration as Any,
                "compression": self.compression as Any,
                "acknowledgement": self.acknowledgement as Any,
                "autoReplayOnConnect": self.autoReplayOnConnect as Any,
                "description": self.description as Any,
                "transportURL": self.transportURL as Any,
                "transportToken": self.transportToken.map { _ in "<redacted>" } as Any,
                "transportMethod": self.transportMethod as Any,
                "transportHeaders": self.transportHeaders.map { $0.keys.sorted().map { "\($0): <redacted>" } } as Any,
                "connectTimeout": self.connectTimeout as Any,
                "responseTimeout": self.responseTimeout as Any,
                "schemaType": self.schemaType as Any,
                "schemaData": self.schemaData as Any,
                "persistent": self.persistent as Any,
            ],
            displayStyle: .struct
        )
    }
}
