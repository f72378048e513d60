import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import Synchronization
import Testing

/// The push session against real servers on 127.0.0.1 when things go wrong: silence, flapping,
/// refusals, poison blocks, misuse and cancellation. Timers run on a ``TestClock``.
@Suite("Push session: liveness, backoff, poison blocks, misuse, prompt cancellation", .timingSensitive)
struct PushSessionReliabilityTests {
    @Test("a silent connection is dropped after the idle timeout and re-established")
    func idleTimeoutReconnects() async throws {
        try await withPushServer { server in
            let clock = TestClock()
            var configuration = sessionConfiguration(port: server.port)
            configuration.clock = clock
            configuration.idleTimeout = .seconds(5)
            let session = PushSession(configuration: configuration)
            try await withTimeout {
                async let batch = collect(session.events(), count: 1)
                try await server.wait { $0.handshakes[1] == 1 }
                // The session now waits for data with the idle timer armed; nothing comes.
                await clock.waitForSleep(of: .seconds(5))
                #expect(server.snapshot.handshakes[1] == 1)
                clock.advance(by: .seconds(5))
                try await server.wait { $0.handshakes[1] == 2 && $0.connectedMonitors.contains(1) }
                try await server.publish(try SampleEvents.block(1), to: 1)
                #expect(try await batch.map(\.blockID) == [1])
            }
        }
    }

    @Test("a service that accepts, sends a block and drops again and again is backed off, not redialled at once")
    func flappingIsBackedOff() async throws {
        let directory = FlappingDirectory()
        try await withPushServer(delegate: directory) { server in
            let clock = TestClock()
            var configuration = sessionConfiguration(port: server.port)
            configuration.clock = clock
            configuration.reconnect.initialBackoff = .seconds(1)
            configuration.reconnect.maximumBackoff = .seconds(120)
            configuration.reconnect.multiplier = 2
            configuration.reconnect.jitter = 0
            let session = PushSession(configuration: configuration)
            let blocks = try await withTimeout {
                async let blocks = collect(session.events(), count: 5, acknowledge: true)
                // The first drop is redialled at once; each later one waits longer.
                try await server.wait { $0.handshakes[1] == 2 }
                for (handshakes, delay) in [(2, Duration.seconds(1)), (3, .seconds(2)), (4, .seconds(4))] {
                    await clock.waitForSleep(of: delay)
                    #expect(server.snapshot.handshakes[1] == handshakes, "no dial while backing off")
                    clock.advance(by: delay)
                    try await server.wait { $0.handshakes[1] == handshakes + 1 }
                }
                return try await blocks
            }
            #expect(blocks.count == 5)
            // The handshake timer (10 s) runs on the clock too; the backoffs are the rest.
            #expect(clock.sleepsStarted.filter { $0 != configuration.handshakeTimeout } == [.seconds(1), .seconds(2), .seconds(4)])
        }
    }

    @Test("a ConnectResponse of 503 is retried with backoff until the service accepts")
    func transientRefusalIsRetried() async throws {
        let directory = RefusingDirectory(refusals: 2)
        try await withPushServer(delegate: directory) { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let batches = try await withTimeout {
                async let batches = collect(session.events(), count: 1)
                try await server.wait { $0.connectedMonitors.contains(1) }
                try await server.publish(try SampleEvents.block(1), to: 1)
                return try await batches
            }
            #expect(batches.map(\.blockID) == [1])
            #expect(directory.requests == 3)
            #expect(server.snapshot.rejectedHandshakes == 2)
        }
    }

    @Test("with undecodableBlocks .deliver, a poison block is handed over with its error and can be skipped")
    func poisonBlockIsDelivered() async throws {
        try await withPushServer { server in
            var configuration = sessionConfiguration(port: server.port)
            configuration.undecodableBlocks = .deliver
            let session = PushSession(configuration: configuration)
            let poison = PublishMessage(
                blockID: 5, count: 1, compression: .none, format: .json, payload: ByteBuffer(string: #"{"Document": [ not json"#))
            let batches = try await withTimeout {
                async let collected = collect(session.events(), count: 2, acknowledge: true)
                try await server.wait { $0.connectedMonitors.contains(1) }
                try await server.publish(poison, to: 1)
                try await server.publish(try SampleEvents.block(6), to: 1)
                let batches = try await collected
                try await server.wait { $0.acknowledgements[1] == [5, 6] }
                return batches
            }
            #expect(batches[0].blockID == 5)
            #expect(batches[0].decodingError?.code == .malformedDocument)
            #expect(batches[0].events.isEmpty)
            #expect(batches[0].document == poison.payload)
            #expect(batches[1].decodingError == nil && batches[1].events.count == 1)
        }
    }

    @Test("two tasks pulling one stream: the second gets alreadyStreaming and the first goes on")
    func concurrentPullIsTypedError() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let stream = session.events()
            try await withTimeout {
                async let first = collect(stream, count: 1)
                try await server.wait { $0.connectedMonitors.contains(1) }
                let error = await streamError(stream)
                #expect((error as? PushSessionError)?.code == .alreadyStreaming)
                try await server.publish(try SampleEvents.block(1), to: 1)
                #expect(try await first.map(\.blockID) == [1])
            }
        }
    }

    @Test("connect() while another connect() is in its handshake waits for it and opens no second connection")
    func concurrentConnectOpensOneConnection() async throws {
        let directory = GatedDirectory()
        try await withPushServer(delegate: directory) { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            try await withTimeout {
                async let first: Void = session.connect()
                await directory.waitForRequest()
                async let second: Void = session.connect()
                async let third: Void = session.connect()
                directory.open()
                try await first
                try await second
                try await third
            }
            #expect(directory.requests == 1)
            #expect(server.snapshot.handshakes[1] == 1)
            session.close()
        }
    }

    // MARK: Prompt cancellation

    @Test("cancelling while the TCP connect hangs ends the stream normally within 100 ms")
    func cancelWhileConnecting() async throws {
        try await withUnansweredConnects { port in
            try await expectPromptEnds {
                let session = PushSession(configuration: sessionConfiguration(port: port))
                return try await cancelStuckConsumer(of: session)
            }
        }
    }

    @Test("cancelling during the TLS handshake ends the stream normally within 100 ms")
    func cancelDuringTLSHandshake() async throws {
        try await withSilentServer { port in
            try await expectPromptEnds {
                let session = PushSession(configuration: sessionConfiguration(port: port, transport: try trustingTestCA()))
                return try await cancelStuckConsumer(of: session)
            }
        }
    }

    @Test("cancelling or closing during a backoff sleep ends the stream within 100 ms")
    func cancelDuringBackoff() async throws {
        for useClose in [false, true] {
            try await expectPromptEnds {
                let clock = TestClock()
                var configuration = sessionConfiguration(port: 0)
                configuration.clock = clock
                configuration.reconnect.initialBackoff = .seconds(100)
                configuration.reconnect.maximumBackoff = .seconds(120)
                configuration.reconnect.jitter = 0
                let session = try await withPushServer { server in
                    configuration.port = server.port
                    let session = PushSession(configuration: configuration)
                    try await withTimeout { try await session.connect() }
                    return session
                }
                // The server is gone: the session fails to redial and sleeps 100 s on the test clock.
                let consumer = Task { await endOfStream(session.events()) }
                try await withTimeout { await clock.waitForSleep(of: .seconds(100)) }
                let start = ContinuousClock.now
                if useClose { session.close() } else { consumer.cancel() }
                let (endedNormally, endedAt) = try await withTimeout { await consumer.value }
                return (endedNormally, endedAt - start)
            }
        }
    }

    @Test("close() while the consumer holds a batch closes the socket at once")
    func closeWhileConsumerHolds() async throws {
        try await expectPromptEnds {
            try await withPushServer { server in
                let session = PushSession(configuration: sessionConfiguration(port: server.port))
                let stream = session.events()
                try await withTimeout {
                    var iterator = stream.makeAsyncIterator()
                    async let first = iterator.next()
                    try await server.wait { $0.connectedMonitors.contains(1) }
                    try await server.publish(try SampleEvents.block(1), to: 1)
                    #expect(try await first?.blockID == 1)
                }
                let start = ContinuousClock.now
                session.close()
                try await withTimeout { try await server.wait { $0.disconnects[1] == 1 } }
                let elapsed = ContinuousClock.now - start
                return (await streamError(stream) == nil, elapsed)
            }
        }
    }
}

/// Runs `attempt` five times; each returns whether the stream ended normally and how long the
/// end took. Every end must be normal and far below any timer (the connect and handshake
/// timeouts are 10 s, the backoff 100 s), and the best of the five within 100 ms: the rest of the
/// suite loading both cores can delay a run's scheduling, but a session that waits on a timer
/// fails every run.
private func expectPromptEnds(
    _ attempt: () async throws -> (endedNormally: Bool, elapsed: Duration),
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    var elapsed: [Duration] = []
    for _ in 0..<5 {
        let result = try await attempt()
        #expect(result.endedNormally, "a cancelled or closed stream ends without an error", sourceLocation: sourceLocation)
        elapsed.append(result.elapsed)
    }
    #expect(elapsed.allSatisfy { $0 < Duration.seconds(2).allowingForSanitizers }, "\(elapsed)", sourceLocation: sourceLocation)
    #expect(
        elapsed.min().map { $0 < Duration.milliseconds(100).allowingForSanitizers } == true,
        "\(elapsed)",
        sourceLocation: sourceLocation
    )
}

/// Starts consuming, lets the session get stuck in the state the server leaves it in, cancels
/// the consumer, and reports how the stream ended and how long that took.
private func cancelStuckConsumer(of session: PushSession) async throws -> (endedNormally: Bool, elapsed: Duration) {
    let consumer = Task { await endOfStream(session.events()) }
    // Nothing observable marks "stuck in the dial" or "stuck in the TLS handshake"; this pause
    // only makes it likely the session got there (a shorter one would test an earlier state).
    try await Task.sleep(for: .milliseconds(200))
    let start = ContinuousClock.now
    consumer.cancel()
    let (endedNormally, endedAt) = try await withTimeout { await consumer.value }
    return (endedNormally, endedAt - start)
}

/// Consumes a stream; whether it ended without an error, and when, taken the moment it ended
/// (so the test's own scheduling after that is not counted).
private func endOfStream(_ stream: AsyncThrowingStream<MonitorBatch, any Error>) async -> (Bool, ContinuousClock.Instant) {
    let error = await streamError(stream)
    return (error == nil, ContinuousClock.now)
}

/// Accepts every monitor; each connection gets one block and is then dropped by the service.
final class FlappingDirectory: PushServerDelegate {
    private let blockIDs = Atomic<Int>(0)

    func authorize(_ request: ConnectRequest) async -> UInt16 { ConnectResponse.accepted }

    func serve(_ session: PushServerSession) async throws {
        let id = self.blockIDs.wrappingAdd(1, ordering: .relaxed).newValue
        try await session.publish(try SampleEvents.block(UInt16(id)))
    }
}

/// Answers 503 to the first `refusals` requests, then 200.
final class RefusingDirectory: PushServerDelegate {
    private let count = Atomic<Int>(0)
    private let refusals: Int

    init(refusals: Int) {
        self.refusals = refusals
    }

    var requests: Int { self.count.load(ordering: .relaxed) }

    func authorize(_ request: ConnectRequest) async -> UInt16 {
        let number = self.count.wrappingAdd(1, ordering: .relaxed).newValue
        return number <= self.refusals ? 503 : ConnectResponse.accepted
    }
}

/// Holds every ConnectRequest until ``open()``, so a handshake can be caught in flight.
final class GatedDirectory: PushServerDelegate {
    private struct State {
        var isOpen = false
        var requests = 0
        var gated: [CheckedContinuation<Void, Never>] = []
        var requestWatchers: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var requests: Int { self.state.withLock { $0.requests } }

    func authorize(_ request: ConnectRequest) async -> UInt16 {
        await withCheckedContinuation { continuation in
            let (isOpen, watchers) = self.state.withLock { state in
                state.requests += 1
                defer { state.requestWatchers = [] }
                if !state.isOpen { state.gated.append(continuation) }
                return (state.isOpen, state.requestWatchers)
            }
            for watcher in watchers { watcher.resume() }
            if isOpen { continuation.resume() }
        }
        return ConnectResponse.accepted
    }

    func waitForRequest() async {
        await withCheckedContinuation { continuation in
            let already = self.state.withLock { state in
                if state.requests == 0 { state.requestWatchers.append(continuation) }
                return state.requests > 0
            }
            if already { continuation.resume() }
        }
    }

    func open() {
        let gated = self.state.withLock { state in
            state.isOpen = true
            defer { state.gated = [] }
            return state.gated
        }
        for continuation in gated { continuation.resume() }
    }
}
