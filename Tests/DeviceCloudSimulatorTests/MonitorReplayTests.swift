import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Testing

@Suite("Monitor delivery: acknowledgements, replay, status")
struct MonitorReplayTests {
    @Test("explicit acks with auto-replay: 10,000 events across forced disconnects arrive at least once, none lost")
    func replayUnderDisconnects() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(
                simulator, batchSize: 50, batchDuration: .seconds(1), compression: .zlib, acknowledgement: .explicit, autoReplay: true)
            let total = 10_000
            let writes = 50
            let (distinct, delivered) = try await withTimeout(.seconds(30)) {
                try await pushSession(simulator, monitorID: id, acknowledgement: .explicit).withEvents { stream in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            let perWrite = total / writes
                            for write in 0..<writes {
                                try await writeDataPoints(simulator, stream: "replay", values: write * perWrite..<(write + 1) * perWrite)
                                if write % 10 == 5 {
                                    // Cut the live connection mid-stream; the client reconnects by itself.
                                    try await awaitConnected(simulator, id)
                                    simulator.pushServer.disconnect(id)
                                }
                            }
                        }
                        var seen = Set<Int>()
                        var delivered = 0
                        for try await batch in stream {
                            let batchValues = try values(batch)
                            delivered += batchValues.count
                            seen.formUnion(batchValues)
                            await batch.acknowledge()
                            if seen.count == total { break }
                        }
                        try await group.waitForAll()
                        return (seen.count, delivered)
                    }
                }
            }
            #expect(distinct == total)
            #expect(delivered >= total)
            #expect(simulator.pushServer.snapshot.handshakes[id, default: 0] >= 6)
            let statistics = try #require(await simulator.store.deliveryStatistics(id: id))
            #expect(statistics.eventsAccepted == total)
            #expect(statistics.eventsDropped == 0)
            #expect(statistics.blocksSent >= total / 50)
        }
    }

    @Test("with auto-replay, unacknowledged blocks and events raised while away (SUSPENDED) come first after a reconnect")
    func replayOrder() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(simulator, acknowledgement: .explicit, autoReplay: true)
            let store = simulator.store
            let firstConnect = try await withTimeout {
                try await pushSession(simulator, monitorID: id, acknowledgement: .explicit).withEvents { stream in
                    try await awaitConnected(simulator, id)
                    try await writeDataPoints(simulator, stream: "s", values: [0, 1])
                    let batches = try await receive(stream) { $0.count == 2 }
                    #expect(try allValues(batches) == [0, 1])
                    // A stream that ends early (a timeout under a sanitizer) fails here instead of crashing the suite.
                    let first = try #require(batches.first)
                    await first.acknowledge()  // block 1 stays unacknowledged
                    try await simulator.pushServer.wait { $0.acknowledgements[id] == [first.blockID] }
                    return try #require(await store.record(id: id)?.lastConnect)
                }
            }
            let away = try await withTimeout { try await store.wait(forMonitor: id) { $0?.status == .suspended } }
            #expect(away?.status == .suspended)
            try await writeDataPoints(simulator, stream: "s", values: [2, 3])
            let recorded = try #require(await store.deliveryStatistics(id: id))
            #expect(recorded.readyBlocks + recorded.inFlightBlocks == 3)

            let replayed = try await withTimeout {
                try await pushSession(simulator, monitorID: id, acknowledgement: .explicit).withEvents { stream in
                    var batches = try await receive(stream, acknowledge: true) { $0.count == 3 }
                    try await writeDataPoints(simulator, stream: "s", values: [4])
                    batches += try await receive(stream, acknowledge: true) { _ in true }
                    return batches
                }
            }
            #expect(try valuesPerBatch(replayed) == [[1], [2], [3], [4]])
            #expect(replayed.map(\.blockID) == [1, 2, 3, 4])
            let record = try #require(await store.record(id: id))
            #expect(try #require(record.lastConnect) > firstConnect)
            #expect(record.lastSent != nil)
        }
    }

    @Test("without auto-replay, what arrives or is unacknowledged while disconnected is dropped (INACTIVE)")
    func noReplayDrops() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(simulator, acknowledgement: .explicit, autoReplay: false)
            let store = simulator.store
            try await writeDataPoints(simulator, stream: "s", values: [100])  // nobody connected yet: dropped
            try await withTimeout {
                try await pushSession(simulator, monitorID: id, acknowledgement: .explicit).withEvents { stream in
                    try await awaitConnected(simulator, id)
                    #expect(await store.record(id: id)?.status == .active)
                    try await writeDataPoints(simulator, stream: "s", values: [0, 1])
                    let batches = try await receive(stream) { $0.count == 2 }
                    #expect(try allValues(batches) == [0, 1])
                    try await #require(batches.first).acknowledge()  // the second block is never acknowledged
                    try await simulator.pushServer.wait { $0.acknowledgements[id]?.count == 1 }
                }
            }
            try await withTimeout {
                try await store.wait(forMonitor: id) { $0?.status == .inactive }
                try await simulator.pushServer.wait { !$0.connectedMonitors.contains(id) }
            }
            try await writeDataPoints(simulator, stream: "s", values: [2, 3, 4])
            let statistics = try #require(await store.deliveryStatistics(id: id))
            #expect(statistics.eventsDropped == 1 + 1 + 3)
            #expect(statistics.readyBlocks == 0 && statistics.inFlightBlocks == 0 && statistics.pendingEvents == 0)

            let afterReconnect = try await withTimeout {
                try await pushSession(simulator, monitorID: id, acknowledgement: .explicit).withEvents { stream in
                    try await awaitConnected(simulator, id)
                    try await writeDataPoints(simulator, stream: "s", values: [5])
                    return try await receive(stream, acknowledge: true) { _ in true }
                }
            }
            #expect(try valuesPerBatch(afterReconnect) == [[5]])
        }
    }

    @Test("a PUT resets the monitor: status INACTIVE, recorded events and block ids start over")
    func updateResets() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(simulator, acknowledgement: .explicit, autoReplay: true)
            let store = simulator.store
            try await writeDataPoints(simulator, stream: "s", values: [0, 1, 2])
            #expect(await store.deliveryStatistics(id: id)?.readyBlocks == 3)
            let answer = try await send(simulator, "PUT", "Monitor/\(id)", body: "<Monitor><monDescription>reset</monDescription></Monitor>")
            #expect(answer.status == 200)
            #expect(await store.record(id: id)?.status == .inactive)
            #expect(await store.deliveryStatistics(id: id) == MonitorDeliveryStatistics())
            let batches = try await withTimeout {
                try await pushSession(simulator, monitorID: id, acknowledgement: .explicit).withEvents { stream in
                    try await awaitConnected(simulator, id)
                    try await writeDataPoints(simulator, stream: "s", values: [9])
                    return try await receive(stream, acknowledge: true) { _ in true }
                }
            }
            #expect(try valuesPerBatch(batches) == [[9]])
            #expect(batches.map(\.blockID) == [0])
        }
    }

    @Test("a second connection for a monitor replaces the first and gets what it had not acknowledged")
    func secondConnectionReplaces() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(simulator, acknowledgement: .explicit, autoReplay: true)
            try await withTimeout {
                let first = pushSession(simulator, monitorID: id, acknowledgement: .explicit, reconnect: .never)
                try await first.withEvents { firstStream in
                    try await awaitConnected(simulator, id)
                    try await writeDataPoints(simulator, stream: "s", values: [0])
                    let unacknowledged = try await receive(firstStream) { _ in true }
                    #expect(try valuesPerBatch(unacknowledged) == [[0]])
                    // A second client takes over without the first noticing first.
                    let second = pushSession(simulator, monitorID: id, acknowledgement: .explicit)
                    try await second.withEvents { secondStream in
                        try await simulator.pushServer.wait { $0.handshakes[id] == 2 && $0.disconnects[id] == 1 }
                        try await writeDataPoints(simulator, stream: "s", values: [1])
                        let batches = try await receive(secondStream, acknowledge: true) { $0.count == 2 }
                        #expect(try valuesPerBatch(batches) == [[0], [1]])
                    }
                    first.close()
                }
            }
        }
    }
}
