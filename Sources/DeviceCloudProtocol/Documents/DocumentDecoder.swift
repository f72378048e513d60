public import NIOCore

/// Turns the document of a PublishMessage (or of an HTTP delivery) into ``MonitorEvent``s.
///
/// Both formats are read by purpose-built single-pass scanners that validate the document,
/// read the envelope of each `Msg` (topic, operation, timestamp, group, resource type) and
/// keep each resource as a slice of the input buffer: no tree is built and the resource is
/// parsed only when ``MonitorEvent/decode(_:)`` asks for it.
///
/// ```swift
/// let events = try DocumentDecoder.events(in: payload, format: .json)
/// for event in events where event.resourceType == "DataPoint" {
///     let point = try event.decode(DataPoint.self)
/// }
/// ```
///
/// An empty document (a keep-alive such as `{"Document":{}}` or `<Document/>`) yields no
/// events.
public enum DocumentDecoder {
    /// Splits a document into its events.
    ///
    /// JSON documents have the shape `{"Document":{"Msg": …}}` where `Msg` is one object or
    /// an array of objects, each with `topic`, `operation`, optional `timestamp` and `group`,
    /// and one resource member (e.g. `"DataPoint": {…}`). XML documents have the shape
    /// `<Document><Msg topic="…" operation="…" timestamp="…"><DataPoint>…</DataPoint></Msg>…</Document>`.
    ///
    /// - Parameters:
    ///   - document: The (already inflated) document; its readable bytes are scanned and
    ///     its reader index is left unchanged. The events' bodies share its storage.
    ///   - format: Whether the document is JSON or XML.
    ///   - limits: Caps to enforce; ``PushLimits/maximumEventsPerBatch`` is checked while
    ///     scanning, before anything is allocated for the excess events.
    /// - Returns: The events in document order.
    /// - Throws: ``DeviceCloudProtocolError`` with code ``DeviceCloudProtocolError/Code/malformedDocument``
    ///   when the document is not well formed or lacks a required part (the message names
    ///   the byte offset), or ``DeviceCloudProtocolError/Code/tooManyEvents`` when it holds more
    ///   events than allowed.
    public static func events(
        in document: ByteBuffer,
        format: PayloadFormat,
        limits: PushLimits = .default
    ) throws(DeviceCloudProtocolError) -> [MonitorEvent] {
        switch format {
        case .json:
            return try JSONDocumentScanner.events(in: document, limits: limits)
        case .xml:
            return try XMLDocumentScanner.events(in: document, limits: limits)
        }
    }
}
