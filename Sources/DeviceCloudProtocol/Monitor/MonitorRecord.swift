public import Foundation

/// One monitor as the service describes it: its id, account, settable elements and state.
///
/// The settable elements live in ``definition`` and read directly through the record
/// (`record.topics`, `record.batchSize`). Numbers are numbers, enumerations are enumerations
/// (unknown values kept as sent), and elements this library does not know, or whose
/// text it cannot read, are kept in ``additionalElements``.
///
/// Printing, dumping or logging a record never shows the transport token or header values.
@dynamicMemberLookup
public struct MonitorRecord: Sendable, Hashable, CustomReflectable {
    /// `monId`.
    public var id: UInt32
    /// `cstId`: the account the monitor belongs to.
    public var customerID: Int?
    /// The settable elements.
    public var definition: MonitorDefinition
    /// `monStatus`.
    public var status: MonitorStatus?
    /// `monLastConnect`: when the monitor last connected.
    public var lastConnect: Date?
    /// `monLastSent`: when the monitor last sent a block.
    public var lastSent: Date?
    /// Elements this library does not know, or could not read, by name, as the service sent them.
    public var additionalElements: [String: String]

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a record.
    public init(
        id: UInt32,
        customerID: Int? = nil,
        definition: MonitorDefinition = MonitorDefinition(),
        status: MonitorStatus? = nil,
        lastConnect: Date? = nil,
        lastSent: Date? = nil,
        additionalElements: [String: String] = [:]
    ) {
        self.id = id
        self.customerID = customerID
        self.definition = definition
        self.status = status
        self.lastConnect = lastConnect
        self.lastSent = lastSent
        self.additionalElements = additionalElements
    }

    /// Reads and writes the settable elements, e.g. `record.topics`.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<MonitorDefinition, Value>) -> Value {
        get { self.definition[keyPath: keyPath] }
        set { self.definition[keyPath: keyPath] = newValue }
    }

    /// Reads a record from element texts keyed by name, tolerating unknown elements.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedDocument`` when `monId` is missing or not
    ///   a 32-bit unsigned integer. Other unreadable values go to ``additionalElements``.
    public init(elements: [String: String]) throws(DeviceCloudProtocolError) {
        guard let idText = elements[MonitorElement.id], let id = UInt32(idText.trimmingBlanks()) else {
            throw DeviceCloudProtocolError(.malformedDocument, "a monitor item has no valid \(MonitorElement.id)")
        }
        let read = try MonitorDefinition.read(elements, strict: false)
        var leftovers = read.leftovers
        var record = MonitorRecord(id: id, definition: read.definition)
        if let text = elements[MonitorElement.customerID] {
            if let value = MonitorElementText.integer(text) {
                record.customerID = value
            } else {
                leftovers[MonitorElement.customerID] = text
            }
        }
        if let text = elements[MonitorElement.status] {
            record.status = MonitorStatus(rawValue: text.trimmingBlanks())
        }
        for (name, keyPath) in [(MonitorElement.lastConnect, \MonitorRecord.lastConnect), (MonitorElement.lastSent, \.lastSent)] {
            guard let text = elements[name], !text.trimmingBlanks().isEmpty else { continue }
            if let date = MonitorElementText.date(text) {
                record[keyPath: keyPath] = date
            } else {
                leftovers[name] = text
            }
        }
        record.additionalElements = leftovers
        self = record
    }

    /// The record's elements as `(name, text)` pairs in document order, additional elements last
    /// (sorted by name). Includes the transport token: for documents, not for display.
    public func elements() -> [(name: String, text: String)] {
        var elements: [(name: String, text: String)] = [(MonitorElement.id, String(self.id))]
        if let customerID = self.customerID {
            elements.append((MonitorElement.customerID, String(customerID)))
        }
        // A record read from a document always writes back; a value set in code that an element
        // cannot carry is left out rather than failing the whole document.
        for element in MonitorDefinition.fieldElements {
            if let text = try? element.text(self.definition) {
                elements.append((element.name, text))
            }
        }
        if let status = self.status {
            elements.append((MonitorElement.status, status.rawValue))
        }
        if let date = self.lastConnect {
            elements.append((MonitorElement.lastConnect, MonitorElementText.timestamp(date)))
        }
        if let date = self.lastSent {
            elements.append((MonitorElement.lastSent, MonitorElementText.timestamp(date)))
        }
        for name in self.additionalElements.keys.sorted() {
            if let text = self.additionalElements[name] {
                elements.append((name, text))
            }
        }
        return elements
    }

    /// Shows the transport token and header values as `<redacted>`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "id": self.id,
                "customerID": self.customerID as Any,
                "definition": self.definition,
                "status": self.status as Any,
                "lastConnect": self.lastConnect as Any,
                "lastSent": self.lastSent as Any,
                "additionalElements": self.additionalElements,
            ],
            displayStyle: .struct
        )
    }
}
