import DeviceCloudProtocol
import Foundation

/// The definitions behind the typed create and update calls, so each transport's options map to
/// elements in one place.
extension MonitorDefinition {
    static func tcp(
        topics: [String]?,
        batchSize: Int?,
        batchDuration: Duration?,
        compression: MonitorCompression?,
        format: MonitorFormat?,
        acknowledgement: MonitorAckOption?,
        autoReplay: Bool?,
        description: String?,
        schemaType: String? = nil,
        schemaData: String? = nil
    ) -> MonitorDefinition {
        MonitorDefinition(
            topics: topics,
            transportType: .tcp,
            format: format,
            batchSize: batchSize,
            batchDuration: batchDuration,
            compression: compression,
            acknowledgement: acknowledgement,
            autoReplayOnConnect: autoReplay,
            description: description,
            schemaType: schemaType,
            schemaData: schemaData
        )
    }

    static func http(
        topics: [String]?,
        url: URL?,
        token: Credentials?,
        method: MonitorHTTPMethod?,
        headers: [String: String]?,
        connectTimeout: Duration?,
        responseTimeout: Duration?,
        batchSize: Int?,
        batchDuration: Duration?,
        compression: MonitorCompression?,
        format: MonitorFormat?,
        description: String?,
        schemaType: String? = nil,
        schemaData: String? = nil
    ) -> MonitorDefinition {
        MonitorDefinition(
            topics: topics,
            transportType: .http,
            format: format,
            batchSize: batchSize,
            batchDuration: batchDuration,
            compression: compression,
            description: description,
            transportURL: url?.absoluteString,
            transportToken: token.map { "\($0.username):\($0.password)" },
            transportMethod: method,
            transportHeaders: headers,
            connectTimeout: connectTimeout,
            responseTimeout: responseTimeout,
            schemaType: schemaType,
            schemaData: schemaData
        )
    }
}
