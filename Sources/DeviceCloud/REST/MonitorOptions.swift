public import DeviceCloudProtocol

/// The elements of a TCP monitor that ``Monitors/createTCPMonitor(topics:options:)`` and
/// ``TCPMonitor/update(topics:options:)`` set.
///
/// An element left `nil` is not sent: a create leaves it to the service's default (batch size
/// 100, batch duration 10 s, no compression, acknowledgement off, no auto-replay), an update
/// leaves it as it is.
public struct TCPMonitorOptions: Sendable, Hashable {
    /// Most events in one block (`monBatchSize`).
    public var batchSize: Int?
    /// Longest wait of an event for its block, whole seconds (`monBatchDuration`).
    public var batchDuration: Duration?
    /// `.zlib` to deflate blocks (`monCompression`).
    public var compression: MonitorCompression?
    /// `.json` or `.xml` documents (`monFormatType`).
    public var format: MonitorFormat?
    /// `.explicit` to acknowledge each batch: at-least-once delivery with ``autoReplay``
    /// (`monAckOption`).
    public var acknowledgement: MonitorAckOption?
    /// Replay the events missed while disconnected (`monAutoReplayOnConnect`).
    public var autoReplay: Bool?
    /// Free text (`monDescription`).
    public var description: String?
    /// `monSchemaType`, e.g. `handlebars`: the monitor renders its events with ``schemaData``
    /// instead of sending a `Document`.
    public var schemaType: String?
    /// `monSchemaData`: the template.
    public var schemaData: String?

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates options; every element left out is not sent.
    public init(
        batchSize: Int? = nil,
        batchDuration: Duration? = nil,
        compression: MonitorCompression? = nil,
        format: MonitorFormat? = nil,
        acknowledgement: MonitorAckOption? = nil,
        autoReplay: Bool? = nil,
        description: String? = nil,
        schemaType: String? = nil,
        schemaData: String? = nil
    ) {
        self.batchSize = batchSize
        self.batchDuration = batchDuration
        self.compression = compression
        self.format = format
        self.acknowledgement = acknowledgement
        self.autoReplay = autoReplay
        self.description = description
        self.schemaType = schemaType
        self.schemaData = schemaData
    }
}

/// The elements of an HTTP monitor that ``Monitors/createHTTPMonitor(topics:url:options:)`` and
/// ``HTTPMonitor/update(topics:url:options:)`` set.
///
/// An element left `nil` is not sent: a create leaves it to the service's default (`PUT`,
/// 5 s timeouts, batch size 100, batch duration 10 s, no compression), an update leaves it as it
/// is. Printing or dumping the options never shows the token's password or a header's value.
public struct HTTPMonitorOptions: Sendable, Hashable, CustomReflectable {
    /// Credentials the service presents to your server with basic authentication
    /// (`monTransportToken`).
    public var token: Credentials?
    /// `.put` (the service's default) or `.post` (`monTransportMethod`).
    public var method: MonitorHTTPMethod?
    /// Extra headers sent with each block (`monTransportHeaders`).
    public var headers: [String: String]?
    /// Whole milliseconds; zero means the default 5 s (`monConnectTimeout`).
    public var connectTimeout: Duration?
    /// Whole milliseconds; zero means the default 5 s (`monResponseTimeout`).
    public var responseTimeout: Duration?
    /// Most events in one block (`monBatchSize`).
    public var batchSize: Int?
    /// Longest wait of an event for its block, whole seconds (`monBatchDuration`).
    public var batchDuration: Duration?
    /// `.zlib` to deflate blocks (`monCompression`).
    public var compression: MonitorCompression?
    /// `.json` or `.xml` documents (`monFormatType`).
    public var format: MonitorFormat?
    /// Free text (`monDescription`).
    public var description: String?
    /// `monSchemaType`, e.g. `handlebars`: the monitor renders its events with ``schemaData``
    /// instead of sending a `Document`.
    public var schemaType: String?
    /// `monSchemaData`: the template.
    public var schemaData: String?

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates options; every element left out is not sent.
    public init(
        token: Credentials? = nil,
        method: MonitorHTTPMethod? = nil,
        headers: [String: String]? = nil,
        connectTimeout: Duration? = nil,
        responseTimeout: Duration? = nil,
        batchSize: Int? = nil,
        batchDuration: Duration? = nil,
        compression: MonitorCompression? = nil,
        format: MonitorFormat? = nil,
        description: String? = nil,
        schemaType: String? = nil,
        schemaData: String? = nil
    ) {
        self.token = token
        self.method = method
        self.headers = headers
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.batchSize = batchSize
        self.batchDuration = batchDuration
        self.compression = compression
        self.format = format
        self.description = description
        self.schemaType = schemaType
        self.schemaData = schemaData
    }

    /// The options with the token's password and the header values redacted: what `print`,
    /// string interpolation and `dump` show.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "token": self.token as Any,
                "method": self.method as Any,
                "headers": self.headers.map { $0.mapValues { _ in "<redacted>" } } as Any,
                "connectTimeout": self.connectTimeout as Any,
                "responseTimeout": self.responseTimeout as Any,
                "batchSize": self.batchSize as Any,
                "batchDuration": self.batchDuration as Any,
                "compression": self.compression as Any,
                "format": self.format as Any,
                "description": self.description as Any,
                "schemaType": self.schemaType as Any,
                "schemaData": self.schemaData as Any,
            ],
            displayStyle: .struct
        )
    }
}
