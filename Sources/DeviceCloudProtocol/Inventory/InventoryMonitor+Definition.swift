import Foundation

extension InventoryMonitor {
    /// A record in v1 field names, as the service answers it: the token is left out and the
    /// headers are names only.
    public init(record: MonitorRecord) {
        let definition = record.definition
        self.init(
            id: record.id,
            customerID: record.customerID,
            type: definition.transportType,
            topics: definition.topics,
            format: definition.format,
            compression: definition.compression,
            batchSize: definition.batchSize,
            batchDuration: definition.batchDuration.map { Int($0.components.seconds) },
            persistent: definition.persistent,
            url: definition.transportURL,
            method: definition.transportMethod,
            schemaType: definition.schemaType,
            schema: definition.schemaData,
            description: definition.description,
            status: record.status
        )
        self.headerNames = definition.transportHeaders.map { $0.keys.sorted() }
        if let acknowledgement = definition.acknowledgement {
            self.additionalFields["ack_option"] = "\"\(acknowledgement.rawValue)\""
        }
        if let replay = definition.autoReplayOnConnect {
            self.additionalFields["auto_replay"] = replay ? "true" : "false"
        }
    }

    /// The settable fields as a ``MonitorDefinition`` (what a create or update changes).
    ///
    /// `auth_token` becomes `monTransportToken`, `schema_type`/`schema` become
    /// `monSchemaType`/`monSchemaData`; ``headerNames`` without values are not settable and are
    /// left out.
    public var definition: MonitorDefinition {
        var definition = MonitorDefinition(
            topics: self.topics,
            transportType: self.type,
            format: self.format,
            batchSize: self.batchSize,
            batchDuration: self.batchDuration.map { .seconds($0) },
            compression: self.compression,
            description: self.description,
            transportURL: self.url,
            transportToken: self.authToken,
            transportMethod: self.method,
            transportHeaders: self.headers,
            schemaType: self.schemaType,
            schemaData: self.schema,
            persistent: self.persistent
        )
        if let text = self.additionalFields["ack_option"] {
            definition.acknowledgement = MonitorAckOption(rawValue: text.trimmingCharacters(in: ["\""]))
        }
        if let text = self.additionalFields["auto_replay"] {
            definition.autoReplayOnConnect = text == "true"
        }
        return definition
    }
}
