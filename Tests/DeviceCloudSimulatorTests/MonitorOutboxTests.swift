import DeviceCloudProtocol
import DeviceCloudSimulator
import Testing

@Suite("Monitor outbox: batching, acknowledgement, replay")
struct MonitorOutboxTests {
    let clock = ContinuousClock()

    func event(_ index: Int) -> DocumentWriter.Event {
        DocumentWriter.Event(
            topic: "1/DataPoint/s", operation: .insertion, timestamp: "2026-01-01T00:00:00Z",
            resourceType: "DataPoint", resource: .object([("data", .number("\(index)"))]))
    }

    @Test("a block closes at the batch size")
    func bySize() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 3))
        outbox.connect()
        let now = self.clock.now
        for index in 0..<7 { outbox.add(self.event(index), now: now) }
        let blocks = outbox.takeSendable()
        #expect(blocks.map(\.count) == [3, 3])
        #expect(blocks.map(\.blockID) == [0, 1])
        #expect(outbox.backlog.events == 1)
    }

    @Test("a block closes when its duration has passed")
    func byDuration() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 100, batchDuration: .seconds(2)))
        outbox.connect()
        let start = self.clock.now
        outbox.add(self.event(0), now: start)
        outbox.add(self.event(1), now: start.advanced(by: .seconds(1)))
        #expect(outbox.deadline == start.advanced(by: .seconds(2)))
        outbox.closeDueBatch(now: start.advanced(by: .milliseconds(1_999)))
        let sent1 = outbox.takeSendable()
        #expect(sent1.isEmpty)
        outbox.closeDueBatch(now: start.advanced(by: .seconds(2)))
        let sent2 = outbox.takeSendable()
        #expect(sent2.map(\.count) == [2])
        #expect(outbox.deadline == nil)
    }

    @Test("block ids wrap at 65535")
    func wrap() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 1), firstBlockID: 65_534)
        outbox.connect()
        for index in 0..<4 { outbox.add(self.event(index), now: self.clock.now) }
        let ids = outbox.takeSendable().map(\.blockID)
        #expect(ids == [65_534, 65_535, 0, 1])
    }

    @Test("explicit acks: unacknowledged blocks are replayed first after a reconnect")
    func replay() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 1, explicitAcknowledgement: true, autoReplay: true))
        outbox.connect()
        for index in 0..<3 { outbox.add(self.event(index), now: self.clock.now) }
        let first = outbox.takeSendable()
        #expect(first.map(\.blockID) == [0, 1, 2])
        outbox.acknowledge(blockID: 1)
        outbox.disconnect()
        outbox.add(self.event(3), now: self.clock.now)  // recorded while away
        outbox.connect()
        let sent3 = outbox.takeSendable()
        #expect(sent3.map(\.blockID) == [0, 2, 3])
    }

    @Test("without replay, what arrives or is unacknowledged while disconnected is dropped")
    func noReplay() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 1, explicitAcknowledgement: true, autoReplay: false))
        outbox.connect()
        outbox.add(self.event(0), now: self.clock.now)
        let sent4 = outbox.takeSendable()
        #expect(sent4.count == 1)
        outbox.disconnect()
        let accepted = outbox.add(self.event(1), now: self.clock.now)
        #expect(!accepted)
        outbox.connect()
        let sent5 = outbox.takeSendable()
        #expect(sent5.isEmpty)
        #expect(outbox.droppedEvents == 1)
    }

    @Test("sending pauses at the in-flight window until acknowledgements arrive")
    func window() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 1, explicitAcknowledgement: true, maximumInFlight: 2))
        outbox.connect()
        for index in 0..<5 { outbox.add(self.event(index), now: self.clock.now) }
        let sent6 = outbox.takeSendable()
        #expect(sent6.map(\.blockID) == [0, 1])
        #expect(!outbox.hasSendableBlocks)
        outbox.acknowledge(blockID: 0)
        let sent7 = outbox.takeSendable()
        #expect(sent7.map(\.blockID) == [2])
    }

    @Test("discarding drops pending events, ready and in-flight blocks, counting every event")
    func discard() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 2, explicitAcknowledgement: true, autoReplay: true))
        outbox.connect()
        for index in 0..<5 { outbox.add(self.event(index), now: self.clock.now) }
        let sent = outbox.takeSendable()
        #expect(sent.count == 2)
        outbox.add(self.event(5), now: self.clock.now)
        outbox.add(self.event(6), now: self.clock.now)
        outbox.discardAll()
        #expect(outbox.droppedEvents == 7)
        #expect(outbox.backlog == (0, 0, 0))
        #expect(outbox.deadline == nil)
        #expect(outbox.isConnected)
    }

    @Test("storage is capped: the oldest blocks go first and are counted")
    func cap() {
        var outbox = MonitorOutbox(settings: .init(batchSize: 1, autoReplay: true, maximumStoredBlocks: 3))
        for index in 0..<5 { outbox.add(self.event(index), now: self.clock.now) }
        #expect(outbox.droppedEvents == 2)
        outbox.connect()
        let sent8 = outbox.takeSendable()
        #expect(sent8.map(\.blockID) == [2, 3, 4])
    }

    @Test("storage is capped in bytes too: the oldest blocks go first, and the count of stored bytes stays exact")
    func byteCap() {
        var probe = MonitorOutbox(settings: .init(batchSize: 1, autoReplay: true))
        probe.add(self.event(0), now: self.clock.now)
        let blockBytes = probe.storedBytes
        #expect(blockBytes > 0)

        var outbox = MonitorOutbox(
            settings: .init(batchSize: 1, explicitAcknowledgement: true, autoReplay: true, maximumStoredBytes: blockBytes * 3 + blockBytes / 2))
        for index in 0..<10 { outbox.add(self.event(index), now: self.clock.now) }
        #expect(outbox.droppedEvents == 7)
        #expect(outbox.storedBytes <= blockBytes * 3 + blockBytes / 2)
        outbox.connect()
        let sent = outbox.takeSendable()
        #expect(sent.map(\.blockID) == [7, 8, 9])
        outbox.acknowledge(blockID: 7)
        outbox.acknowledge(blockID: 8)
        outbox.acknowledge(blockID: 9)
        #expect(outbox.storedBytes == 0)
    }
}
