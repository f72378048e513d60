import CompressNIO
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Templated monitors and raw batches")
struct TemplatedMonitorTests {
    /// A block whose payload is a rendered template, not a `Document`.
    static func renderedBlock(_ blockID: UInt16, _ text: String, compression: PayloadCompression = .none) throws -> PublishMessage {
        var payload = ByteBuffer(string: text)
        if compression == .zlib {
            payload = try payload.compress(with: .zlib())
        }
        return PublishMessage(blockID: blockID, count: 1, compression: compression, format: .json, payload: payload)
    }

    @Test("monSchemaType and monSchemaData on create and update, and as schema_type and schema in v1")
    func schemaElements() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(
                topics: ["DataPoint"],
                options: TCPMonitorOptions(schemaType: "handlebars", schemaData: #"{"t":"{{topic}}"}"#)
            )
            #expect(await monitor.record.schemaType == "handlebars")
            #expect(await simulator.store.record(id: monitor.id)?.schemaData == #"{"t":"{{topic}}"}"#)
            try await monitor.update(options: TCPMonitorOptions(schemaData: "{{operation}}"))
            #expect(await monitor.record.schemaData == "{{operation}}")
            let v1 = try await cloud.monitors.inventory.monitor(id: monitor.id)
            #expect(v1.schemaType == "handlebars" && v1.schema == "{{operation}}")
            let created = try await cloud.monitors.inventory.create(
                InventoryMonitor(type: .tcp, topics: ["DeviceCore"], schemaType: "handlebars", schema: "{{topic}}"))
            let id = try #require(created.id)
            #expect(await simulator.store.record(id: id)?.schemaType == "handlebars")
            #expect(await monitor.decoding == .raw)
            let plain = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"])
            #expect(await plain.decoding == .events)
        }
    }

    @Test("a templated monitor's events() hands over the rendered payload without scanning it")
    func templatedEvents() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(
                topics: ["DataPoint"],
                options: TCPMonitorOptions(
                    acknowledgement: .explicit,
                    schemaType: "handlebars",
                    schemaData: "temp={{DataPoint.data}}"
                )
            )
            let id = monitor.id
            let batches = try await withTimeout {
                try await monitor.withEvents { stream in
                    try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) }
                    try await simulator.pushServer.publish(try Self.renderedBlock(1, "temp=21"), to: id)
                    try await simulator.pushServer.publish(try Self.renderedBlock(2, "temp=22", compression: .zlib), to: id)
                    let batches = try await collect(stream, count: 2, acknowledge: true)
                    try await simulator.pushServer.wait { $0.acknowledgements[id, default: []].count == 2 }
                    return batches
                }
            }
            #expect(batches.map { String(buffer: $0.document) } == ["temp=21", "temp=22"])
            #expect(batches.allSatisfy { $0.events.isEmpty && $0.decodingError == nil })
        }
    }

    @Test("the same payload ends an events session as undecodable: the raw session is what skips the scanner")
    func eventsSessionScans() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: TCPMonitorOptions(acknowledgement: .explicit))
            let id = monitor.id
            let error = try await withTimeout {
                do {
                    try await monitor.withEvents { stream in
                        try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) }
                        try await simulator.pushServer.publish(try Self.renderedBlock(1, "temp=21"), to: id)
                        for try await _ in stream {}
                    }
                    return nil as PushSessionError?
                } catch let error as PushSessionError {
                    return error
                }
            }
            #expect(error?.code == .undecodableBlock)
        }
    }

    @Test("decoding: .raw on a Document monitor: the inflated document, no events, acknowledged as usual")
    func rawSession() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: TCPMonitorOptions(acknowledgement: .explicit))
            let id = monitor.id
            var configuration = try await monitor.makePushSession().configuration
            configuration.decoding = .raw
            let session = PushSession(configuration: configuration)
            let block = try SampleEvents.block(5, events: 3, compression: .zlib)
            let expected = try BlockDecoder().inflate(block)
            let batches = try await withTimeout {
                try await session.withEvents { stream in
                    try await simulator.pushServer.wait { $0.connectedMonitors.contains(id) }
                    try await simulator.pushServer.publish(block, to: id)
                    let batches = try await collect(stream, count: 1, acknowledge: true)
                    try await simulator.pushServer.wait { $0.acknowledgements[id, default: []] == [5] }
                    return batches
                }
            }
            #expect(batches.first?.document == expected)
            #expect(batches.first?.events.isEmpty == true)
            #expect(try DocumentDecoder.events(in: expected, format: .json).count == 3)
        }
    }
}
