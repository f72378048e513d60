import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import Foundation

/// `dcmon demo`: a self-contained tour with no account and no network.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a local simulator, stream events from it, print them, and exit."
    )

    @Option(help: "How many blocks to publish.")
    var blocks = 3

    @Option(help: "Events per block.")
    var eventsPerBlock = 4

    func run() async throws {
        let password = UUID().uuidString
        let monitorID: UInt32 = 1
        let server = try await PushServer.bind(
            delegate: StaticPushDirectory(username: "demo", password: password, monitors: [monitorID])
        )
        print("simulator: push server listening on 127.0.0.1:\(server.port) (plain TCP, local demo only)")
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.run() }
            defer { server.shutDown() }

            let session = PushSession(
                configuration: .init(
                    host: "127.0.0.1",
                    port: server.port,
                    transport: .plain,
                    credentials: Credentials(username: "demo", password: password),
                    monitorID: monitorID,
                    acknowledgement: .explicit
                )
            )
            try await session.withEvents { batches in
                print("client: connected to monitor \(monitorID), explicit acknowledgements")
                group.addTask {
                    for block in 0..<self.blocks {
                        let message = try BlockEncoder.publishMessage(
                            blockID: UInt16(block),
                            events: Self.readings(block: block, count: self.eventsPerBlock),
                            format: block.isMultiple(of: 2) ? .json : .xml,
                            compression: .zlib
                        )
                        try await server.publish(message, to: monitorID)
                    }
                }
                var received = 0
                for try await batch in batches {
                    print("block \(batch.blockID): \(batch.events.count) events (\(batch.format), \(batch.compression))")
                    for event in batch.events {
                        let point = try event.decode(DataPoint.self)
                        print("  \(event.operation) \(event.topic) data=\(point.data.map { "\($0)" } ?? "-")")
                    }
                    await batch.acknowledge()
                    received += 1
                    if received == self.blocks { break }
                }
            }
            print("done: \(self.blocks) blocks acknowledged; session closed")
        }
    }

    static func readings(block: Int, count: Int) -> [DocumentWriter.Event] {
        (0..<count).map { index in
            let value = 20 + Double(block * count + index) / 10
            return DocumentWriter.Event(
                topic: "7603/DataPoint/plant7/temperature",
                operation: .insertion,
                timestamp: "2026-11-25T12:00:0\(index).000Z",
                resourceType: "DataPoint",
                resource: .object([
                    ("cstId", .number("7603")),
                    ("streamId", .string("plant7/temperature")),
                    ("data", .number("\(value)")),
                    ("streamUnits", .string("C")),
                ])
            )
        }
    }
}
