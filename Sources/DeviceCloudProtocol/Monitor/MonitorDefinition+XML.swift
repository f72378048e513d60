public import NIOCore

extension MonitorDefinition {
    /// The `<Monitor>` document a create (`POST`) or update (`PUT`) sends: the set elements,
    /// every value XML-escaped.
    ///
    /// - Throws: ``DeviceCloudProtocolError`` with ``DeviceCloudProtocolError/Code/invalidElementValue``
    ///   (see ``elements()``) or ``DeviceCloudProtocolError/Code/unrepresentableText`` (a control
    ///   character in a value).
    public func xmlDocument() throws(DeviceCloudProtocolError) -> ByteBuffer {
        var document = "<Monitor>"
        for (name, text) in try self.elements() {
            try MonitorXML.append(name, text, to: &document)
        }
        document += "</Monitor>"
        return ByteBuffer(string: document)
    }

    /// Reads a `<Monitor>` create or update document.
    ///
    /// Elements the definition does not hold (read-only ones such as `monId`, or unknown ones)
    /// are ignored; enumerated values the library does not know are kept as sent (`isRecognized` is false)
    /// for the receiver to judge.
    ///
    /// - Throws: ``DeviceCloudProtocolError`` with ``DeviceCloudProtocolError/Code/malformedDocument``
    ///   (not well formed, or not a `<Monitor>`) or ``DeviceCloudProtocolError/Code/invalidElementValue``.
    public init(xml body: ByteBuffer) throws(DeviceCloudProtocolError) {
        let root = try MonitorXML.root(body, named: "Monitor")
        self = try Self.read(MonitorXML.childTexts(of: root), strict: true).definition
    }
}
