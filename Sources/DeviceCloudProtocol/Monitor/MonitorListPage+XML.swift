public import NIOCore

extension MonitorListPage {
    /// Reads the XML answer: `<result>` with the counters and one `<Monitor>` per item.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedDocument``.
    public init(xml body: ByteBuffer) throws(DeviceCloudProtocolError) {
        let root = try MonitorXML.root(body, named: "result")
        var counters: [String: String] = [:]
        var items: [MonitorRecord] = []
        for child in root.children {
            switch child.name {
            case "Monitor":
                items.append(try MonitorRecord(elements: MonitorXML.childTexts(of: child)))
            case "items":
                for item in child.children where item.name == "Monitor" {
                    items.append(try MonitorRecord(elements: MonitorXML.childTexts(of: item)))
                }
            default:
                counters[child.name] = child.text
            }
        }
        self.init(counters: counters, items: items)
    }

    /// The XML answer, as the service writes it.
    public func xmlDocument() -> ByteBuffer {
        var document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<result>\n"
        for (name, value) in self.counters {
            document += "  <\(name)>\(value)</\(name)>\n"
        }
        for item in self.items {
            document += "  <Monitor>"
            for (name, text) in item.elements() {
                MonitorXML.appendReplacingInvalid(name, text, to: &document)
            }
            document += "</Monitor>\n"
        }
        document += "</result>\n"
        return ByteBuffer(string: document)
    }
}
