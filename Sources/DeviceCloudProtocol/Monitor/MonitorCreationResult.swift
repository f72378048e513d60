public import NIOCore

/// The answer to a create: `<result><location>Monitor/178008</location></result>`.
public struct MonitorCreationResult: Sendable, Hashable {
    /// The new monitor's id.
    public var monitorID: UInt32

    /// Creates a result.
    public init(monitorID: UInt32) {
        self.monitorID = monitorID
    }

    /// Reads the service's answer; the id is the number after the last `/` of the location.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedDocument``.
    public init(xml body: ByteBuffer) throws(DeviceCloudProtocolError) {
        let root = try MonitorXML.root(body, named: "result")
        guard let location = root.child(named: "location")?.text.trimmingBlanks(),
            let idText = location.split(separator: "/").last,
            let id = UInt32(idText)
        else {
            throw DeviceCloudProtocolError(.malformedDocument, "the create result has no Monitor/{id} location")
        }
        self.monitorID = id
    }

    /// The document the service answers a create with.
    public func xmlDocument() -> ByteBuffer {
        ByteBuffer(
            string: """
                <?xml version="1.0" encoding="UTF-8"?>
                <result>
                  <location>Monitor/\(self.monitorID)</location>
                </result>

                """
        )
    }
}
