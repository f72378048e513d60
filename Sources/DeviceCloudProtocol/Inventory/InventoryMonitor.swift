public import Foundation

/// A monitor as the v1 web service (`/ws/v1/monitors/inventory`) writes it: JSON with
/// snake_case names.
///
/// Every field is optional: a create sends the fields set, an update the fields to change, and
/// an answer may leave any out. Fields this library does not know are kept, as JSON text, in
/// ``additionalFields`` (and written back). ``authToken`` is write-only: the service never
/// echoes it. ``headers`` are written as `"Name: value"` strings; read back, the service shows
/// header names only, which land in ``headerNames``.
///
/// Printing, dumping or logging it never shows the token or header values.
public struct InventoryMonitor: Sendable, Hashable, CustomReflectable {
    /// `id`.
    public var id: UInt32?
    /// `customer_id`.
    public var customerID: Int?
    /// `type`: `tcp`, `http`…
    public var type: MonitorTransportType?
    /// `topics`.
    public var topics: [String]?
    /// `format`: `json` or `xml`.
    public var format: MonitorFormat?
    /// `compression`: `zlib` or `none`.
    public var compression: MonitorCompression?
    /// `batch_size`.
    public var batchSize: Int?
    /// `batch_duration`, in seconds.
    public var batchDuration: Int?
    /// `persistent`: the service saves the monitor's events, readable with the history API.
    public var persistent: Bool?
    /// `url`: where an HTTP monitor's blocks go.
    public var url: String?
    /// `auth_token`: `user:password` presented to ``url``. Write-only; never printed.
    public var authToken: String?
    /// `headers` to send: extra headers for an HTTP monitor, by name. Values never printed.
    public var headers: [String: String]?
    /// `headers` as read back: the names only.
    public var headerNames: [String]?
    /// `method`: `PUT` or `POST`.
    public var method: MonitorHTTPMethod?
    /// `schema_type`, e.g. `handlebars` for a templated monitor.
    public var schemaType: String?
    /// `schema`: the template a templated monitor's payloads are rendered with.
    public var schema: String?
    /// `description`.
    public var description: String?
    /// `status`: read-only.
    public var status: MonitorStatus?
    /// Fields this library does not know, by name, as JSON text (`"1"`, `"\"text\""`, `"[…]"`).
    public var additionalFields: [String: String]

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a v1 monitor; give the fields to send.
    public init(
        id: UInt32? = nil,
        customerID: Int? = nil,
        type: MonitorTransportType? = nil,
        topics: [String]? = nil,
        format: MonitorFormat? = nil,
        compression: MonitorCompression? = nil,
        batchSize: Int? = nil,
        batchDuration: Int? = nil,
        persistent: Bool? = nil,
        url: String? = nil,
        authToken: String? = nil,
        headers: [String: String]? = nil,
        method: MonitorHTTPMethod? = nil,
        schemaType: String? = nil,
        schema: String? = nil,
        description: String? = nil,
        status: MonitorStatus? = nil,
        additionalFields: [String: String] = [:]
    ) {
        self.id = id
        self.customerID = customerID
        self.type = type
        self.topics = topics
        self.format = format
        self.compression = compression
        self.batchSize = batchSize
        self.batchDuration = batchDuration
        self.persistent = persistent
        self.url = url
        self.authToken = authToken
        self.headers = headers
        self.method = method
        self.schemaType = schemaType
        self.schema = schema
        self.description = description
        self.status = status
        self.additionalFields = additionalFields
    }

    /// The fields set, as a JSON object (keys sorted).
    public func jsonDocument() -> Data {
        var object: [String: Any] = [:]
        object["id"] = self.id.map { Int($0) }
        object["customer_id"] = self.customerID
        object["type"] = self.type?.rawValue
        object["topics"] = self.topics
        object["format"] = self.format?.rawValue
        object["compression"] = self.compression?.rawValue
        object["batch_size"] = self.batchSize
        object["batch_duration"] = self.batchDuration
        object["persistent"] = self.persistent
        object["url"] = self.url
        object["auth_token"] = self.authToken
        if let headers = self.headers {
            object["headers"] = headers.keys.sorted().map { "\($0): \(headers[$0] ?? "")" }
        } else if let names = self.headerNames {
            object["headers"] = names
        }
        object["method"] = self.method?.rawValue
        object["schema_type"] = self.schemaType
        object["schema"] = self.schema
        object["description"] = self.description
        object["status"] = self.status?.rawValue
        for (name, text) in self.additionalFields where object[name] == nil {
            if let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
                object[name] = value
            }
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// Reads a monitor from a v1 JSON object, tolerating unknown fields and numbers sent as
    /// strings.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedDocument`` when `data` is not a JSON object.
    public init(json data: Data) throws(DeviceCloudProtocolError) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw DeviceCloudProtocolError(.malformedDocument, "a v1 monitor must be a JSON object")
        }
        self.init(object: object)
    }

    /// Reads a monitor from a parsed JSON object.
    init(object: [String: Any]) {
        self.init()
        for (name, value) in object {
            switch name {
            case "id": self.id = Self.integer(value).flatMap { UInt32(exactly: $0) }
            case "customer_id": self.customerID = Self.integer(value)
            case "type": self.type = (value as? String).map(MonitorTransportType.init(rawValue:))
            case "topics":
                if let list = value as? [String] {
                    self.topics = list
                } else if let text = value as? String {
                    self.topics = MonitorTopics.split(text)
                }
            case "format": self.format = (value as? String).map(MonitorFormat.init(rawValue:))
            case "compression": self.compression = (value as? String).map(MonitorCompression.init(rawValue:))
            case "batch_size": self.batchSize = Self.integer(value)
            case "batch_duration": self.batchDuration = Self.integer(value)
            case "persistent": self.persistent = Self.boolean(value)
            case "url": self.url = value as? String
            case "auth_token": self.authToken = value as? String
            case "headers":
                let lines: [String] = (value as? [String]) ?? ((value as? String).map { $0.split(separator: "\n").map(String.init) } ?? [])
                var names: [String] = []
                var pairs: [String: String] = [:]
                var hasValues = false
                for line in lines {
                    if let colon = line.firstIndex(of: ":") {
                        let headerName = line[..<colon].trimmingCharacters(in: .whitespaces)
                        names.append(headerName)
                        pairs[headerName] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                        hasValues = true
                    } else {
                        names.append(line.trimmingCharacters(in: .whitespaces))
                    }
                }
                self.headerNames = names
                if hasValues { self.headers = pairs }
            case "method": self.method = (value as? String).map { MonitorHTTPMethod(rawValue: $0.uppercased()) }
            case "schema_type": self.schemaType = value as? String
            case "schema": self.schema = value as? String
            case "description": self.description = value as? String
            case "status": self.status = (value as? String).map { MonitorStatus(rawValue: $0.uppercased()) }
            default:
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                    self.additionalFields[name] = String(decoding: data, as: UTF8.self)
                }
            }
        }
    }

    private static func integer(_ value: Any) -> Int? {
        if let number = value as? Int { return number }
        if let number = value as? Double, number.rounded() == number, abs(number) < 1e15 { return Int(number) }
        if let text = value as? String { return Int(text.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    private static func boolean(_ value: Any) -> Bool? {
        if let flag = value as? Bool { return flag }
        if let text = value as? String { return MonitorElementText.boolean(text) }
        return nil
    }

    /// Shows the token and header values as `<redacted>`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "id": self.id as Any, "customerID": self.customerID as Any, "type": self.type as Any,
                "topics": self.topics as Any, "format": self.format as Any, "compression": self.compression as Any,
                "batchSize": self.batchSize as Any, "batchDuration": self.batchDuration as Any,
                "persistent": self.persistent as Any, "url": self.url as Any,
                "authToken": self.authToken == nil ? "nil" : "<redacted>",
                "headers": self.headers.map { $0.keys.sorted().map { "\($0): <redacted>" } } as Any,
                "headerNames": self.headerNames as Any, "method": self.method as Any,
                "schemaType": self.schemaType as Any, "schema": self.schema as Any,
                "description": self.description as Any, "status": self.status as Any, "additionalFields": self.additionalFields,
            ],
            displayStyle: .struct
        )
    }
}
