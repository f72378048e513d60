import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import Foundation
import Logging

/// `dcmon demo`: a self-contained tour with no account and no network.
///
/// Starts the simulator in-process (REST over HTTP, push over TLS with a CA generated for the
/// occasion), creates a TCP monitor over REST, writes DataPoints, streams them back over push
/// with explicit acknowledgements, prints them, and exits.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a local simulator, stream events from it, print them, and exit."
    )

    @Option(help: "How many DataPoints to write.")
    var points = 12

    func run() async throws {
        try await reportingFailures {
            let tls = try GeneratedTLS.make()
            let password = UUID().uuidString
            var logger = Logger(label: "devicecloud.demo")
            logger.logLevel = .warning
            let simulator = try await Simulator.bind(
                configuration: .init(username: "demo", password: password, pushTLS: tls.serverConfiguration),
                logger: logger
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await simulator.run() }
                do {
                    try await self.run(simulator, tls: tls, password: password)
                } catch {
                    await simulator.shutDown()
                    throw error
                }
                await simulator.shutDown()
            }
        }
    }

    private func run(_ simulator: Simulator, tls: GeneratedTLS, password: String) async throws {
        let httpPort = try await simulator.waitUntilListening()
        print("simulator: REST on http://127.0.0.1:\(httpPort), push over TLS on 127.0.0.1:\(simulator.tlsPushPort ?? 0)")
        var configuration = DeviceCloud.Configuration()
        configuration.pushTransport = .tls(PushTLSOptions(trustRoots: .certificates([tls.caCertificate])))
        configuration.tlsPushPort = simulator.tlsPushPort ?? 0
        guard let url = URL(string: "http://127.0.0.1:\(httpPort)") else { throw CommandFailure("bad simulator URL") }
        try await withDeviceCloud(url: url, username: "demo", password: password, configuration: configuration) { cloud in
            try await self.tour(cloud)
        }
    }

    private func tour(_ cloud: DeviceCloud) async throws {
        let monitor = try await cloud.monitors.createTCPMonitor(
            topics: ["DataPoint/plant7"],
            options: TCPMonitorOptions(
                batchSize: 4,
                batchDuration: .seconds(1),
                compression: .zlib,
                format: .json,
                acknowledgement: .explicit,
                autoReplay: true,
                description: "dcmon demo"
            )
        )
        print("rest: created TCP monitor \(monitor.id) on DataPoint/plant7 (batches of 4, zlib, JSON, explicit acks)")

        try await monitor.withEvents { batches in
            print("push: connected over TLS, certificate verified")
            let points = (0..<self.points).map { index in
                DataPoints.Point(
                    stream: index.isMultiple(of: 2) ? "plant7/temperature" : "plant7/pressure",
                    value: index.isMultiple(of: 2) ? String(20 + Double(index) / 10) : String(1013 + index),
                    units: index.isMultiple(of: 2) ? "C" : "hPa"
                )
            }
            try await cloud.dataPoints.write(points)
            print("rest: wrote \(points.count) DataPoints")
            var received = 0
            for try await batch in batches {
                print("block \(batch.blockID): \(batch.events.count) events (\(batch.format), \(batch.compression))")
                for event in batch.events {
                    let point = try event.decode(DataPoint.self)
                    let value = point.data.map { "\($0)" } ?? "-"
                    print("  \(event.operation) \(event.topic) = \(value) \(point.streamUnits ?? "")")
                }
                await batch.acknowledge()
                received += batch.events.count
                if received >= self.points { break }
            }
        }
        try await monitor.delete()
        print("done: \(self.points) events received and acknowledged; monitor deleted, everything closed")
    }
}
