import DeviceCloudProtocol
import Foundation

/// The definitions behind the typed create and update calls, so each transport's options map to
/// elements in one place.
extension MonitorDefinition {
    static func tcp(topics: [String]?, options: TCPMonitorOptions) -> MonitorDefinition {
        MonitorDefinition(
            topics: topics,
            transportType: .tcp,
            format: options.format,
            batchSize: options.batchSize,
            batchDuration: options.batchDuration,
            compression: options.compression,
            acknowledgement: options.acknowledgement,
            autoReplayOnConnect: options.autoReplay,
            description: options.description,
            schemaType: options.schemaType,
            schemaData: options.schemaData
        )
    }

    static func http(topics: [String]?, url: URL?, options: HTTPMonitorOptions) -> MonitorDefinition {
        MonitorDefinition(
            topics: topics,
            transportType: .http,
            format: options.format,
            batchSize: options.batchSize,
            batchDuration: options.batchDuration,
            compression: options.compression,
            description: options.description,
            transportURL: url?.absoluteString,
            transportToken: options.token.map { "\($0.username):\($0.password)" },
            transportMethod: options.method,
            transportHeaders: options.headers,
            connectTimeout: options.connectTimeout,
            responseTimeout: options.responseTimeout,
            schemaType: options.schemaType,
            schemaData: options.schemaData
        )
    }
}
