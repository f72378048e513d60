import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Testing

@Suite("Monitor delivery: batching, formats and compression over real push connections")
struct MonitorBatchingTests {
    @Test("a block closes at monBatchSize; block ids count up")
    func bySize() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(simulator, batchSize: 5, batchDuration: .seconds(60))
            let batches = try await withTimeout {
                try await pushSession(simulator, monitorID: id).withEvents { stream in
                    try await awaitConnected(simulator, id)
                    try await writeDataPoints(simulator, stream: "s", values: 0..<15)
                    return try await receive(stream) { $0.count == 3 }
                }
            }
            #expect(batches.map(\.events.count) == [5, 5, 5])
            #expect(batches.map(\.announcedCount) == [5, 5, 5])
            #expect(batches.map(\.blockID) == [0, 1, 2])
            #expect(try allValues(batches) == Array(0..<15))
        }
    }

    @Test("a block closes monBatchDuration after its first event, whatever its size", .timingSensitive)
    func byDuration() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(simulator, batchSize: 100, batchDuration: .seconds(1))
            let clock = ContinuousClock()
            let (batches, elapsed) = try await withTimeout {
                try await pushSession(simulator, monitorID: id).withEvents { stream in
                    try await awaitConnected(simulator, id)
                    let start = clock.now
                    try await writeDataPoints(simulator, stream: "s", values: 0..<3)
                    let batches = try await receive(stream) { _ in true }
                    return (batches, start.duration(to: clock.now))
                }
            }
            #expect(batches.map(\.events.count) == [3])
            #expect(try values(batches[0]) == [0, 1, 2])
            #expect(elapsed >= .seconds(1))
            #expect(elapsed < Duration.seconds(5).allowingForSanitizers)
        }
    }

    @Test("each monitor gets its own format and compression: XML and JSON, zlib and none")
    func formatsAndCompression() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let combinations: [(MonitorFormat, MonitorCompression)] = [(.xml, .uncompressed), (.xml, .zlib), (.json, .uncompressed), (.json, .gzip)]
            var created: [UInt32] = []
            for (format, compression) in combinations {
                created.append(try await tcpMonitor(simulator, batchSize: 2, format: format, compression: compression))
            }
            let ids = created
            let received = try await withTimeout {
                try await withThrowingTaskGroup(of: (UInt32, MonitorBatch).self) { group in
                    for id in ids {
                        group.addTask {
                            try await pushSession(simulator, monitorID: id).withEvents { stream in
                                let first = try await receive(stream) { _ in true }.first
                                return (id, try #require(first))
                            }
                        }
                    }
                    try await simulator.pushServer.wait { snapshot in ids.allSatisfy { snapshot.connectedMonitors.contains($0) } }
                    try await writeDataPoints(simulator, stream: "s", values: [7, 8])
                    var received: [UInt32: MonitorBatch] = [:]
                    for try await (id, batch) in group { received[id] = batch }
                    return received
                }
            }
            for (id, (format, compression)) in zip(ids, combinations) {
                let batch = try #require(received[id])
                #expect(MonitorFormat(batch.format) == format)
                #expect(batch.compression == compression.payloadCompression)
                #expect(try values(batch) == [7, 8])
                let topics = Set(batch.events.map(\.topic))
                let operations = Set(batch.events.map(\.operation))
                #expect(topics == ["7603/DataPoint/s"] && operations == [.insertion])
            }
        }
    }
}
