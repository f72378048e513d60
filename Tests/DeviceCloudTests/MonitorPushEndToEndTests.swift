import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("Monitors end to end: created over REST, received over push")
struct MonitorPushEndToEndTests {
    @Test("a TCP monitor created over REST streams and acknowledges events over plain push")
    func plainPush() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(
                topics: ["DataPoint"],
                options: TCPMonitorOptions(
                    compression: .zlib,
                    format: .json,
                    acknowledgement: .explicit,
                    autoReplay: true
                )
            )
            let id = monitor.id
            let batches = try await withTimeout {
                try await monitor.withEvents { stream in
                    try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) }
                    let record = try #require(await simulator.store.record(id: id))
                    #expect(record.status == .active)
                    #expect(record.lastConnect != nil)
                    try await simulator.pushServer.publish(try SampleEvents.block(1, events: 2, compression: .zlib), to: id)
                    try await simulator.pushServer.publish(try SampleEvents.block(2, events: 3, first: 2, compression: .zlib), to: id)
                    let batches = try await collect(stream, count: 2, acknowledge: true)
                    try await simulator.pushServer.wait { $0.acknowledgements[id, default: []].count == 2 }
                    return batches
                }
            }
            #expect(batches.map(\.blockID) == [1, 2])
            #expect(batches.map(\.events.count) == [2, 3])
            #expect(batches.allSatisfy { $0.monitorID == id && $0.compression == .zlib && $0.format == .json })
            #expect(simulator.pushServer.snapshot.acknowledgements[id] == [1, 2])
            try await withTimeout {
                try await simulator.pushServer.wait { !$0.connectedMonitors.contains(id) && $0.disconnects[id, default: 0] == 1 }
            }
            #expect(await simulator.store.record(id: id)?.status == .suspended)
            #expect(try await cloud.monitors.record(id: id).status == .suspended)
        }
    }

    @Test("events() over TLS with the test CA")
    func tlsPush() async throws {
        var configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
        configuration.pushTLS = try TestCertificates.serverConfiguration()
        try await withSimulatorAndCloud(configuration: configuration, pushTransport: try trustingTestCA()) { simulator, cloud in
            #expect(simulator.tlsPushPort != nil)
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: TCPMonitorOptions(format: .xml))
            let id = monitor.id
            let batches = try await withTimeout {
                async let batches = collect(await monitor.events(), count: 1)
                let tlsServer = try #require(simulator.tlsPushServer)
                try await tlsServer.wait { $0.connectedMonitors.contains(id) }
                try await tlsServer.publish(try SampleEvents.block(7, events: 1, format: .xml), to: id)
                return try await batches
            }
            #expect(batches.map(\.blockID) == [7])
            #expect(batches.first?.format == .xml)
        }
    }

    @Test("the push server refuses an HTTP monitor, a deleted one, and bad credentials")
    func refusals() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let http = try await cloud.monitors.createHTTPMonitor(topics: ["DataPoint"], url: try #require(URL(string: "http://127.0.0.1:9")))
            let rejected = await streamError(PushSession(configuration: sessionConfiguration(port: simulator.pushPort, monitorID: http.id)).events())
            #expect((rejected as? PushSessionError)?.code == .connectionRejected)
            #expect((rejected as? PushSessionError)?.status == 400)

            let tcp = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"])
            try await tcp.delete()
            let deleted = await streamError(await tcp.events())
            #expect((deleted as? PushSessionError)?.code == .connectionRejected)

            let other = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"])
            let forbidden = await streamError(
                PushSession(configuration: sessionConfiguration(port: simulator.pushPort, monitorID: other.id, password: "nope")).events()
            )
            #expect((forbidden as? PushSessionError)?.code == .authenticationFailed)
        }
    }

    @Test("deleting a connected monitor closes its push connection")
    func deleteDisconnects() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"])
            let id = monitor.id
            let error = try await withTimeout {
                async let ended = streamError(await monitor.events())
                try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) }
                try await monitor.delete()
                return await ended
            }
            // The reconnect is refused (the monitor is gone), which ends the stream.
            #expect((error as? PushSessionError)?.code == .connectionRejected)
        }
    }
}
