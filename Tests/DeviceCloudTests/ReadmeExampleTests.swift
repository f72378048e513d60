import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// The README's "API in a few lines", run against the simulator so the README stays true.
@Suite("README example")
struct ReadmeExampleTests {
    @Test("create, list with a condition, stream, decode and acknowledge, as the README shows")
    func readmeExample() async throws {
        try await withSimulator(
            configuration: .init(
                username: TestAccount.username,
                password: TestAccount.password,
                pushTLS: try TestCertificates.serverConfiguration()
            )
        ) { simulator in
            var configuration = DeviceCloud.Configuration(httpClient: .dedicated())
            configuration.pushTransport = .tls(PushTLSOptions(trustRoots: .certificates(try TestCertificates.caCertificates())))
            configuration.tlsPushPort = try #require(simulator.tlsPushPort)
            let url = try #require(URL(string: "http://127.0.0.1:\(simulator.httpPort)"))
            try await withDeviceCloud(
                url: url, username: TestAccount.username, password: TestAccount.password, configuration: configuration
            ) { cloud in
                let monitor = try await cloud.monitors.createTCPMonitor(
                    topics: ["DataPoint[I]", "DeviceCore"],
                    options: TCPMonitorOptions(
                        batchSize: 100,
                        batchDuration: .seconds(1),
                        compression: .zlib,
                        format: .json,
                        acknowledgement: .explicit,
                        autoReplay: true
                    )
                )
                var listed: [UInt32] = []
                for try await other in cloud.monitors.list(where: MonitorField.transportType == .tcp) {
                    listed.append(other.id)
                }
                #expect(listed == [monitor.id])
                #expect((MonitorField.description == "O'Brien").compiled == "monDescription='O''Brien'")

                let values = try await withTimeout {
                    try await monitor.withEvents { batches in
                        try await cloud.dataPoints.write((0..<3).map { DataPoints.Point(stream: "readme", value: "\($0)") })
                        var values: [String] = []
                        for try await batch in batches {
                            for event in batch.events {
                                #expect(event.topic == "\(simulator.configuration.customerID)/DataPoint/readme")
                                #expect(event.operation == .insertion)
                                let point = try event.decode(DataPoint.self)
                                values.append(point.data.map { "\($0)" } ?? "")
                            }
                            #expect(await batch.acknowledge())
                            if values.count == 3 { break }
                        }
                        return values
                    }
                }
                #expect(values == ["0", "1", "2"])
            }
        }
    }
}
