/// The names of a monitor's `/ws/Monitor` elements.
public enum MonitorElement {
    /// `monId`: the system-generated id.
    public static let id = "monId"
    /// `cstId`: the customer (account) id.
    public static let customerID = "cstId"
    /// `monTopic`: comma-separated topics.
    public static let topic = "monTopic"
    /// `monFormatType`: `xml` or `json`.
    public static let formatType = "monFormatType"
    /// `monTransportType`: `tcp` or `http`.
    public static let transportType = "monTransportType"
    /// `monTransportUrl`: an HTTP monitor's customer URL.
    public static let transportURL = "monTransportUrl"
    /// `monTransportToken`: an HTTP monitor's `username:password` for the customer server.
    public static let transportToken = "monTransportToken"
    /// `monTransportMethod`: `PUT` or `POST`.
    public static let transportMethod = "monTransportMethod"
    /// `monTransportHeaders`: extra headers, `name: value` per line.
    public static let transportHeaders = "monTransportHeaders"
    /// `monConnectTimeout`: milliseconds; 0 means the default.
    public static let connectTimeout = "monConnectTimeout"
    /// `monResponseTimeout`: milliseconds; 0 means the default.
    public static let responseTimeout = "monResponseTimeout"
    /// `monAckOption`: `explicit` or `off`.
    public static let ackOption = "monAckOption"
    /// `monBatchSize`: most events in one block.
    public static let batchSize = "monBatchSize"
    /// `monBatchDuration`: most seconds an event waits to be batched.
    public static let batchDuration = "monBatchDuration"
    /// `monCompression`: `zlib`, `gzip` or `none`.
    public static let compression = "monCompression"
    /// `monAutoReplayOnConnect`: `true` or `false`.
    public static let autoReplayOnConnect = "monAutoReplayOnConnect"
    /// `monDescription`: free text.
    public static let description = "monDescription"
    /// `monSchemaType`: the template language of a templated monitor, e.g. `handlebars`.
    public static let schemaType = "monSchemaType"
    /// `monSchemaData`: the template a templated monitor renders its payloads with.
    public static let schemaData = "monSchemaData"
    /// `monPersistent`: whether the service saves the monitor's events for the history API
    /// (the v1 API's `persistent`; the element name is this library's assumption).
    public static let persistent = "monPersistent"
    /// `monLastConnect`: read-only timestamp.
    public static let lastConnect = "monLastConnect"
    /// `monLastSent`: read-only timestamp.
    public static let lastSent = "monLastSent"
    /// `monStatus`: read-only state.
    public static let status = "monStatus"

    /// Every element of the specification, in the order documents list them.
    public static let all: [String] = [
        id, customerID, topic, formatType, transportType, transportURL, transportToken, transportMethod,
        transportHeaders, connectTimeout, responseTimeout, ackOption, batchSize, batchDuration, compression,
        autoReplayOnConnect, description, schemaType, schemaData, persistent, lastConnect, lastSent, status,
    ]
}
