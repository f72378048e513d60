extension MonitorDefinition {
    /// The set elements as `(name, text)` pairs in document order.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/invalidElementValue`` for a value the element cannot
    ///   carry: no topics, a negative batch size, a duration that is not a whole number of its
    ///   unit, a header name or value that would break the `name: value` lines.
    public func elements() throws(DeviceCloudProtocolError) -> [(name: String, text: String)] {
        var elements: [(name: String, text: String)] = []
        for element in Self.fieldElements {
            if let text = try element.text(self) {
                elements.append((element.name, text))
            }
        }
        return elements
    }

    /// One settable element: its name and how a definition writes it (`nil` when not set).
    struct FieldElement: Sendable {
        let name: String
        let text: @Sendable (MonitorDefinition) throws(DeviceCloudProtocolError) -> String?
    }

    /// The settable elements in document order.
    static let fieldElements: [FieldElement] = [
        FieldElement(name: MonitorElement.topic) { definition throws(DeviceCloudProtocolError) in
            try definition.topics.map { topics throws(DeviceCloudProtocolError) in try MonitorTopics.join(topics) }
        },
        FieldElement(name: MonitorElement.transportType) { $0.transportType?.rawValue },
        FieldElement(name: MonitorElement.formatType) { $0.format?.rawValue },
        FieldElement(name: MonitorElement.batchSize) { definition throws(DeviceCloudProtocolError) in
            guard let batchSize = definition.batchSize else { return nil }
            guard batchSize >= 0 else {
                throw DeviceCloudProtocolError(.invalidElementValue, "\(MonitorElement.batchSize) cannot be negative")
            }
            return String(batchSize)
        },
        FieldElement(name: MonitorElement.batchDuration) { definition throws(DeviceCloudProtocolError) in
            guard let duration = definition.batchDuration else { return nil }
            return try MonitorElementText.seconds(duration, element: MonitorElement.batchDuration)
        },
        FieldElement(name: MonitorElement.compression) { $0.compression?.rawValue },
        FieldElement(name: MonitorElement.ackOption) { $0.acknowledgement?.rawValue },
        FieldElement(name: MonitorElement.autoReplayOnConnect) { $0.autoReplayOnConnect.map(MonitorElementText.text) },
        FieldElement(name: MonitorElement.description) { $0.description },
        FieldElement(name: MonitorElement.transportURL) { $0.transportURL },
        FieldElement(name: MonitorElement.transportToken) { $0.transportToken },
        FieldElement(name: MonitorElement.transportMethod) { $0.transportMethod?.rawValue },
        FieldElement(name: MonitorElement.transportHeaders) { definition throws(DeviceCloudProtocolError) in
            guard let headers = definition.transportHeaders else { return nil }
            return try Self.headerLines(headers)
        },
        FieldElement(name: MonitorElement.connectTimeout) { definition throws(DeviceCloudProtocolError) in
            guard let timeout = definition.connectTimeout else { return nil }
            return try MonitorElementText.milliseconds(timeout, element: MonitorElement.connectTimeout)
        },
        FieldElement(name: MonitorElement.responseTimeout) { definition throws(DeviceCloudProtocolError) in
            guard let timeout = definition.responseTimeout else { return nil }
            return try MonitorElementText.milliseconds(timeout, element: MonitorElement.responseTimeout)
        },
        FieldElement(name: MonitorElement.schemaType) { $0.schemaType },
        FieldElement(name: MonitorElement.schemaData) { $0.schemaData },
        FieldElement(name: MonitorElement.persistent) { $0.persistent.map(MonitorElementText.text) },
    ]

    /// Reads the settable elements from `elements`, keyed by name.
    ///
    /// - Parameters:
    ///   - elements: element texts by name; elements that are not settable are ignored.
    ///   - strict: `true` to throw for a value that cannot be read; `false` to leave the field
    ///     `nil` and return the element among the leftovers.
    /// - Returns: the definition, and the elements it did not take (unknown names and, when not
    ///   strict, unreadable values), excluding the record's own read-only elements.
    static func read(
        _ elements: [String: String],
        strict: Bool
    ) throws(DeviceCloudProtocolError) -> (definition: MonitorDefinition, leftovers: [String: String]) {
        var definition = MonitorDefinition()
        var leftovers: [String: String] = [:]
        func unreadable(_ name: String, _ text: String, _ expected: String) throws(DeviceCloudProtocolError) {
            if strict {
                throw DeviceCloudProtocolError(.invalidElementValue, "\(name) must be \(expected)")
            }
            leftovers[name] = text
        }
        let textElements: Set<String> = [
            MonitorElement.description, MonitorElement.transportToken, MonitorElement.transportHeaders,
            MonitorElement.schemaType, MonitorElement.schemaData,
        ]
        for (name, text) in elements {
            // A blank typed element reads as absent in answers (strict readers judge it below).
            if !strict, !textElements.contains(name), text.trimmingBlanks().isEmpty {
                continue
            }
            switch name {
            case MonitorElement.topic:
                let topics = MonitorTopics.split(text)
                if topics.isEmpty {
                    try unreadable(name, text, "a comma-separated list of topics")
                } else {
                    definition.topics = topics
                }
            case MonitorElement.transportType:
                definition.transportType = MonitorTransportType(rawValue: text.trimmingBlanks())
            case MonitorElement.formatType:
                definition.format = MonitorFormat(rawValue: text.trimmingBlanks())
            case MonitorElement.batchSize:
                if let value = MonitorElementText.integer(text), value >= 0 {
                    definition.batchSize = value
                } else {
                    try unreadable(name, text, "a non-negative integer")
                }
            case MonitorElement.batchDuration:
                if let value = MonitorElementText.integer(text), value >= 0 {
                    definition.batchDuration = .seconds(value)
                } else {
                    try unreadable(name, text, "a non-negative integer number of seconds")
                }
            case MonitorElement.compression:
                definition.compression = MonitorCompression(rawValue: text.trimmingBlanks())
            case MonitorElement.ackOption:
                definition.acknowledgement = MonitorAckOption(rawValue: text.trimmingBlanks())
            case MonitorElement.autoReplayOnConnect:
                if let value = MonitorElementText.boolean(text) {
                    definition.autoReplayOnConnect = value
                } else {
                    try unreadable(name, text, "true or false")
                }
            case MonitorElement.description:
                definition.description = text
            case MonitorElement.transportURL:
                definition.transportURL = text.trimmingBlanks()
            case MonitorElement.transportToken:
                definition.transportToken = text
            case MonitorElement.transportMethod:
                definition.transportMethod = MonitorHTTPMethod(rawValue: text.trimmingBlanks())
            case MonitorElement.transportHeaders:
                if let headers = Self.headers(fromLines: text) {
                    definition.transportHeaders = headers
                } else {
                    try unreadable(name, text, "lines of the form name: value")
                }
            case MonitorElement.connectTimeout, MonitorElement.responseTimeout:
                if let value = MonitorElementText.integer(text), value >= 0 {
                    if name == MonitorElement.connectTimeout {
                        definition.connectTimeout = .milliseconds(value)
                    } else {
                        definition.responseTimeout = .milliseconds(value)
                    }
                } else {
                    try unreadable(name, text, "a non-negative integer number of milliseconds")
                }
            case MonitorElement.schemaType:
                definition.schemaType = text
            case MonitorElement.schemaData:
                definition.schemaData = text
            case MonitorElement.persistent:
                if let value = MonitorElementText.boolean(text) {
                    definition.persistent = value
                } else {
                    try unreadable(name, text, "true or false")
                }
            case MonitorElement.id, MonitorElement.customerID, MonitorElement.status, MonitorElement.lastConnect,
                MonitorElement.lastSent:
                continue
            default:
                leftovers[name] = text
            }
        }
        return (definition, leftovers)
    }

    /// `name: value` lines, sorted by name.
    static func headerLines(_ headers: [String: String]) throws(DeviceCloudProtocolError) -> String {
        var lines: [String] = []
        for name in headers.keys.sorted() {
            let value = headers[name] ?? ""
            let isToken = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }
            guard isToken, !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
                throw DeviceCloudProtocolError(
                    .invalidElementValue,
                    "the header \"\(name)\" has an invalid name or a line break in its value"
                )
            }
            lines.append("\(name): \(value)")
        }
        return lines.joined(separator: "\n")
    }

    /// Headers from `name: value` lines (blank lines skipped); `nil` when a line has no colon.
    static func headers(fromLines text: String) -> [String: String]? {
        var headers: [String: String] = [:]
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            let trimmed = String(line).trimmingBlanks()
            guard !trimmed.isEmpty else { continue }
            guard let colon = trimmed.firstIndex(of: ":") else { return nil }
            let name = String(trimmed[..<colon]).trimmingBlanks()
            guard !name.isEmpty else { return nil }
            headers[name] = String(trimmed[trimmed.index(after: colon)...]).trimmingBlanks()
        }
        return headers
    }
}
