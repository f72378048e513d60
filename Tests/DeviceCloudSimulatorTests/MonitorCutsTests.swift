import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import Testing

@Suite("Nothing lost across cuts", .cpuHeavy)
struct MonitorCutsTests {
    @Test("200,000 events with explicit acks, the connection cut at a random byte every 20,000: the received set is the published set")
    func nothingLostAcrossCuts() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let id = try await tcpMonitor(
                simulator, batchSize: 100, batchDuration: .seconds(1), compression: .zlib, acknowledgement: .explicit, autoReplay: true)
            let total = 200_000
            let perWrite = 5_000
            let cutEvery = 20_000
            // Raised inside the simulated service (no REST round trip), as ingestion does, and paced
            // by the consumer so the backlog stays under the monitor's storage cap (1,000 blocks).
            // In slices of 500, yielding between them: encoding a raise's blocks is synchronous
            // work, and 5,000 events at once would hold a thread of the cooperative pool (one of
            // two here) for a second, delaying every other test of the suite.
            @Sendable func raise(_ values: Range<Int>) async {
                for start in stride(from: values.lowerBound, to: values.upperBound, by: 500) {
                    let events = (start..<min(start + 500, values.upperBound)).map { value in
                        RaisedEvent(
                            resourceType: "DataPoint", path: "cuts", operation: .insertion,
                            resource: .object([("streamId", .string("cuts")), ("data", .number("\(value)"))]),
                            timestamp: "2026-11-30T10:00:00Z")
                    }
                    await simulator.store.raise(events)
                    await Task.yield()
                }
            }
            let (received, cuts) = try await withTimeout(.seconds(120)) {
                try await pushSession(simulator, monitorID: id, acknowledgement: .explicit).withEvents { stream in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        var raised = 0
                        while raised < 50_000 {
                            await raise(raised..<raised + perWrite)
                            raised += perWrite
                        }
                        var seen = Set<Int>()
                        var nextCut = cutEvery
                        var cuts = 0
                        // Handshakes seen at the last cut: the next cut waits for a newer connection,
                        // so it never lands on one the server has not yet forgotten (a loaded machine).
                        var handshakesAtCut = 0
                        for try await batch in stream {
                            for event in batch.events {
                                seen.insert(try #require(dataValue(event.body), "an event without a data value"))
                            }
                            await batch.acknowledge()
                            while raised < total, raised - seen.count < 50_000 {
                                await raise(raised..<raised + perWrite)
                                raised += perWrite
                            }
                            let handshakes = simulator.pushServer.snapshot.handshakes[id, default: 0]
                            if seen.count >= nextCut, seen.count < total, handshakes > handshakesAtCut,
                                let session = simulator.pushServer.session(for: id)
                            {
                                handshakesAtCut = handshakes
                                nextCut += cutEvery
                                cuts += 1
                                // Half a frame, cut at a random byte, then the connection drops. Written
                                // beside the loop: the server's write may wait for this consumer to read.
                                var frame = ByteBuffer()
                                try PushFrameEncoder.write(.publishMessage(try SampleEvents.block(9, events: 20)), into: &frame)
                                let cut = frame.getSlice(at: frame.readerIndex, length: Int.random(in: 1..<frame.readableBytes)) ?? frame
                                group.addTask {
                                    try? await session.writeRaw(cut)
                                    session.close()
                                }
                            }
                            if seen.count == total { break }
                        }
                        try await group.waitForAll()
                        return (seen, cuts)
                    }
                }
            }
            let statistics = try #require(await simulator.store.deliveryStatistics(id: id))
            #expect(statistics.eventsDropped == 0)
            #expect(received == Set(0..<total))
            #expect(cuts == total / cutEvery - 1)
            // Every cut but perhaps the last (its events may already have been read) forced a reconnect.
            #expect(simulator.pushServer.snapshot.handshakes[id, default: 0] >= cuts)
        }
    }
}

/// The integer after `"data":` in a JSON event body (quoted or not), read without a JSON parser
/// (plain loops: the suite runs unoptimised).
private func dataValue(_ body: ByteBuffer) -> Int? {
    let key: [UInt8] = Array(#""data":"#.utf8)
    return body.withUnsafeReadableBytes { bytes -> Int? in
        var index = 0
        search: while index + key.count < bytes.count {
            for offset in 0..<key.count where bytes[index + offset] != key[offset] {
                index += 1
                continue search
            }
            var cursor = index + key.count
            if bytes[cursor] == UInt8(ascii: "\"") { cursor += 1 }
            var value = 0
            let start = cursor
            while cursor < bytes.count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            return cursor > start ? value : nil
        }
        return nil
    }
}
