// The README's first example ("The API in a few lines"), with its one import. This file must
// not import anything else: the target enables MemberImportVisibility, so the example compiles
// here only if `import DeviceCloud` alone reaches every type and member it uses.
import DeviceCloud

/// The README's first example, with the service's address, the account and the client's
/// settings as parameters so the test can point it at the simulator.
///
/// - Returns: the data point values received, in order, and the ids the listing returned.
func readmeFirstExample(
    url: URL,
    username: String,
    password secret: String,
    configuration: DeviceCloud.Configuration,
    publish: @Sendable () async throws -> Void
) async throws -> (values: [String], listed: [UInt32]) {
    try await withDeviceCloud(url: url, username: username, password: secret, configuration: configuration) { cloud in
        // REST: /ws/Monitor
        let monitor = try await cloud.monitors.createTCPMonitor(
            topics: ["DataPoint[I]", "DeviceCore"],
            options: TCPMonitorOptions(
                batchSize: 100, batchDuration: .seconds(1), compression: .zlib,
                format: .json, acknowledgement: .explicit, autoReplay: true))
        var listed: [UInt32] = []
        for try await other in cloud.monitors.list(where: MonitorField.transportType == .tcp) {
            listed.append(other.id)
        }

        // Push: TLS on 3201 with certificate checks; the socket is read only as you pull
        var values: [String] = []
        try await monitor.withEvents { batches in
            try await publish()
            for try await batch in batches {
                for event in batch.events {
                    let point = try event.decode(DataPoint.self)  // the body is parsed only when asked
                    values.append(point.data.map { "\($0)" } ?? "")
                }
                await batch.acknowledge()  // PublishMessageReceived for this block
                if values.count == 3 { break }
            }
        }
        return (values, listed)
    }
}
