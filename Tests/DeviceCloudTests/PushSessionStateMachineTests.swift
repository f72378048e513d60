@testable import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudTestSupport
import NIOCore
import Testing

/// Every rule of the push session, driven input by input: no sockets, no clocks, no sleeps.
@Suite("Push session state machine")
struct PushSessionStateMachineTests {
    typealias Machine = PushSessionStateMachine<Int>

    /// 1 s, doubling, no jitter, no attempt limit: delays are exact.
    static var doubling: ReconnectPolicy {
        var policy = ReconnectPolicy.default
        policy.multiplier = 2
        policy.maximumBackoff = .seconds(60)
        policy.jitter = 0
        return policy
    }

    static func settings(
        reconnect: ReconnectPolicy = doubling,
        idleTimeout: Duration? = nil,
        stablePeriod: Duration = .seconds(30),
        undecodable: UndecodableBlockPolicy = .fail
    ) -> Machine.Settings {
        Machine.Settings(
            monitorID: 7,
            reconnect: reconnect,
            handshakeTimeout: .seconds(60),
            idleTimeout: idleTimeout,
            stablePeriod: stablePeriod,
            undecodableBlocks: undecodable
        )
    }

    static let accepted = PushMessage.connectResponse(ConnectResponse(status: ConnectResponse.accepted))

    static func block(_ id: UInt16) throws -> PushMessage {
        .publishMessage(try SampleEvents.block(id))
    }

    /// A machine that has connected `connection` and been accepted.
    static func streaming(_ settings: Machine.Settings = settings(), connection: Int = 1) -> Machine {
        var machine = Machine(settings: settings)
        let machinePull1 = machine.beginPull()
        #expect(machinePull1 == .drive)
        expectConnect(machine.next())
        expectSendRequest(machine.connected(connection), connection)
        expectProceed(machine.requestSent())
        expectRead(machine.next(), connection, timeout: .seconds(60))
        expectProceed(machine.received([accepted]))
        #expect(machine.isStreaming)
        return machine
    }

    // MARK: Connect and handshake

    @Test("idle → connecting → handshaking → streaming, reads with the idle timeout once accepted")
    func happyPath() throws {
        var machine = Self.streaming(Self.settings(idleTimeout: .seconds(5)))
        Self.expectRead(machine.next(), 1, timeout: .seconds(5))
        Self.expectProceed(machine.received([try Self.block(1), try Self.block(2)]))
        Self.expectDeliver(machine.next(), blockID: 1)
        Self.expectDeliver(machine.next(), blockID: 2)
        Self.expectRead(machine.next(), 1, timeout: .seconds(5))
    }

    @Test("blocks that arrive with the ConnectResponse are delivered first")
    func earlyBlocks() throws {
        var machine = Machine(settings: Self.settings())
        Self.expectConnect(machine.next())
        Self.expectSendRequest(machine.connected(1), 1)
        Self.expectProceed(machine.requestSent())
        Self.expectProceed(machine.received([Self.accepted, try Self.block(9)]))
        Self.expectDeliver(machine.next(), blockID: 9)
    }

    @Test("403 and 400 end the stream, on the first connection and on a reconnect")
    func refusals() throws {
        for (status, code) in [(ConnectResponse.forbidden, PushSessionError.Code.authenticationFailed), (ConnectResponse.badRequest, .connectionRejected)] {
            var first = Machine(settings: Self.settings())
            Self.expectConnect(first.next())
            Self.expectSendRequest(first.connected(1), 1)
            Self.expectClose(first.received([.connectResponse(ConnectResponse(status: status))]), 1)
            Self.expectFail(first.next(), code)

            var later = Self.streaming()
            Self.expectClose(later.readFailed(nil, uptime: .seconds(100)), 1)
            Self.expectBackOff(later.next(), .zero)
            Self.expectConnect(later.backoffElapsed())
            Self.expectSendRequest(later.connected(2), 2)
            Self.expectClose(later.received([.connectResponse(ConnectResponse(status: status))]), 2)
            Self.expectFail(later.next(), code)
        }
    }

    @Test("a 503 is a failed attempt, retried with growing backoff, even on the first connection")
    func transientRefusal() throws {
        var machine = Machine(settings: Self.settings())
        var delays: [Duration] = []
        Self.expectConnect(machine.next())
        for connection in 1...4 {
            Self.expectSendRequest(machine.connected(connection), connection)
            Self.expectClose(machine.received([.connectResponse(ConnectResponse(status: 503))]), connection)
            guard case .backOff(let delay) = machine.next() else {
                Issue.record("expected a backoff")
                return
            }
            delays.append(delay)
            Self.expectConnect(machine.backoffElapsed())
        }
        #expect(delays == [.zero, .seconds(1), .seconds(2), .seconds(4)])
        Self.expectSendRequest(machine.connected(5), 5)
        Self.expectProceed(machine.received([Self.accepted]))
        #expect(machine.isStreaming)
    }

    @Test("before the first accepted connection, a failed dial or handshake timeout ends the stream")
    func firstConnectionFailures() {
        var refused = Machine(settings: Self.settings())
        Self.expectConnect(refused.next())
        Self.expectProceed(refused.connectFailed(IOError(errnoCode: 111, reason: "connect")))
        guard case .fail(let error) = refused.next() else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .connectionFailed)
        #expect(error.underlying is IOError, "the underlying error keeps its type")

        var silent = Machine(settings: Self.settings())
        Self.expectConnect(silent.next())
        Self.expectSendRequest(silent.connected(1), 1)
        Self.expectClose(silent.readTimedOut(), 1)
        Self.expectFail(silent.next(), .handshakeTimeout)
    }

    // MARK: Reconnects

    @Test("a connection that stayed up for the stable period reconnects at once; one that did not is backed off")
    func stablePeriod() throws {
        var machine = Self.streaming()
        // Up for 10 minutes: counts as stable.
        Self.expectClose(machine.readFailed(nil, uptime: .seconds(600)), 1)
        Self.expectBackOff(machine.next(), .zero)
        Self.expectConnect(machine.backoffElapsed())
        // Flapping: accepted, a block, dropped after 1 s; again and again.
        var delays: [Duration] = []
        for connection in 2...5 {
            Self.expectSendRequest(machine.connected(connection), connection)
            Self.expectProceed(machine.received([Self.accepted, try Self.block(UInt16(connection))]))
            Self.expectDeliver(machine.next(), blockID: UInt16(connection))
            Self.expectRead(machine.next(), connection, timeout: nil)
            Self.expectClose(machine.readFailed(nil, uptime: .seconds(1)), connection)
            guard case .backOff(let delay) = machine.next() else {
                Issue.record("expected a backoff")
                return
            }
            delays.append(delay)
            Self.expectConnect(machine.backoffElapsed())
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        // Then a connection stays up: the count starts afresh.
        Self.expectSendRequest(machine.connected(6), 6)
        Self.expectProceed(machine.received([Self.accepted]))
        Self.expectClose(machine.readFailed(IOError(errnoCode: 104, reason: "read"), uptime: .seconds(30)), 6)
        Self.expectBackOff(machine.next(), .zero)
    }

    @Test("after the first connection, failed dials and handshakes are retried until the policy's attempts run out")
    func exhausted() throws {
        let policy = try ReconnectPolicy(initialBackoff: .seconds(1), jitter: 0, maximumAttempts: 3)
        var machine = Self.streaming(Self.settings(reconnect: policy))
        Self.expectClose(machine.readFailed(nil, uptime: .seconds(100)), 1)
        var dials = 0
        while case .backOff = machine.next() {
            Self.expectConnect(machine.backoffElapsed())
            dials += 1
            Self.expectProceed(machine.connectFailed(IOError(errnoCode: 111, reason: "connect")))
        }
        #expect(dials == 3)
        guard case .fail(let error) = machine.next() else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .reconnectAttemptsExhausted)
        #expect((error.underlying as? PushSessionError)?.code == .connectionFailed)
    }

    @Test("the idle timeout treats a silent connection as dropped and reconnects")
    func idleTimeout() {
        var machine = Self.streaming(Self.settings(idleTimeout: .seconds(5)))
        Self.expectRead(machine.next(), 1, timeout: .seconds(5))
        Self.expectClose(machine.readTimedOut(uptime: .seconds(5)), 1)
        guard case .backingOff(_, let reason as PushSessionError) = machine.state else {
            Issue.record("expected backing off")
            return
        }
        #expect(reason.code == .idleTimeout)
        Self.expectBackOff(machine.next(), .zero)
        Self.expectConnect(machine.backoffElapsed())
    }

    @Test("an invalid frame or an unexpected message while streaming is a protocol violation, not a reconnect")
    func protocolViolation() {
        var badFrame = Self.streaming()
        Self.expectClose(badFrame.readFailed(DeviceCloudProtocolError(.frameTooLarge, "too large")), 1)
        Self.expectFail(badFrame.next(), .protocolViolation)

        var unexpected = Self.streaming()
        Self.expectClose(unexpected.received([Self.accepted]), 1)
        Self.expectFail(unexpected.next(), .protocolViolation)

        var truncated = Self.streaming()
        Self.expectClose(truncated.readFailed(DeviceCloudProtocolError(.truncatedStream, "cut")), 1)
        Self.expectBackOff(truncated.next(), .zero)
    }

    // MARK: Undecodable blocks

    @Test("an undecodable block ends the stream by default and is handed over with .deliver")
    func undecodable() throws {
        let block = try SampleEvents.block(4)
        let error = DeviceCloudProtocolError(.malformedDocument, "bad")
        var failing = Self.streaming()
        Self.expectClose(failing.blockUndecodable(block, from: 1, error: error), 1)
        guard case .fail(let failure) = failing.next() else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.code == .undecodableBlock && failure.blockID == 4)

        var delivering = Self.streaming(Self.settings(undecodable: .deliver))
        guard case .deliverUndecodable(let message, let connection, let described) = delivering.blockUndecodable(block, from: 1, error: error) else {
            Issue.record("expected the block to be delivered")
            return
        }
        #expect(message.blockID == 4 && connection == 1 && described == error)
        #expect(delivering.isStreaming)
    }

    // MARK: Misuse

    @Test("a second stream, or a second concurrent pull, is alreadyStreaming; connect() never dials twice")
    func misuse() {
        var machine = Machine(settings: Self.settings())
        let machineClaim1 = machine.claimStream()
        #expect(machineClaim1)
        let machineClaim2 = machine.claimStream()
        #expect(!machineClaim2)
        let machinePull1 = machine.beginPull()
        #expect(machinePull1 == .drive)
        let machinePull2 = machine.beginPull()
        #expect(machinePull2 == .alreadyStreaming)
        let machineConnect1 = machine.beginConnect()
        #expect(machineConnect1 == .done)
        machine.endDriving()

        var connecting = Machine(settings: Self.settings())
        let connectingConnect1 = connecting.beginConnect()
        #expect(connectingConnect1 == .drive)
        Self.expectConnect(connecting.next())
        let connectingConnect2 = connecting.beginConnect()
        #expect(connectingConnect2 == .wait)
        let connectingPull1 = connecting.beginPull()
        #expect(connectingPull1 == .wait)
        connecting.endDriving()
        let connectingPull2 = connecting.beginPull()
        #expect(connectingPull2 == .drive)

        // Once closed, any number of callers learn the outcome at once instead of waiting.
        var closed = Machine(settings: Self.settings())
        let closedConnect = closed.beginConnect()
        #expect(closedConnect == .drive)
        _ = closed.close()
        let closedPull = closed.beginPull()
        #expect(closedPull == .drive)
        Self.expectFinish(closed.next())
    }

    // MARK: Close and cancel

    @Test("close in every state ends the stream normally and names the connection to close")
    func closeEverywhere() throws {
        var idle = Machine(settings: Self.settings())
        let idleClosed1 = idle.close()
        #expect(idleClosed1 == nil)
        Self.expectFinish(idle.next())

        var connecting = Machine(settings: Self.settings())
        Self.expectConnect(connecting.next())
        let connectingClosed1 = connecting.close()
        #expect(connectingClosed1 == nil)
        // The dial completes after the close: its connection is closed at once.
        Self.expectClose(connecting.connected(1), 1)
        Self.expectFinish(connecting.next())

        var handshaking = Machine(settings: Self.settings())
        Self.expectConnect(handshaking.next())
        Self.expectSendRequest(handshaking.connected(1), 1)
        let handshakingClosed1 = handshaking.close()
        #expect(handshakingClosed1 == 1)
        Self.expectProceed(handshaking.readFailed(nil))
        Self.expectFinish(handshaking.next())

        var streaming = Self.streaming()
        Self.expectProceed(streaming.received([try Self.block(1)]))
        let streamingClosed1 = streaming.close()
        #expect(streamingClosed1 == 1)
        Self.expectFinish(streaming.next(), "blocks not handed out are dropped unacknowledged: the service keeps them")

        var backingOff = Self.streaming()
        Self.expectClose(backingOff.readFailed(nil, uptime: .seconds(1)), 1)
        Self.expectBackOff(backingOff.next(), .zero)
        let backingOffClosed1 = backingOff.close()
        #expect(backingOffClosed1 == nil)
        Self.expectProceed(backingOff.backoffElapsed())
        Self.expectFinish(backingOff.next())

        var failed = Self.streaming()
        Self.expectClose(failed.readFailed(DeviceCloudProtocolError(.frameTooLarge, "x")), 1)
        let failedClosed1 = failed.close()
        #expect(failedClosed1 == nil)
        Self.expectFail(failed.next(), .protocolViolation)
    }

    // MARK: Expectations

    static func expectConnect(_ action: Machine.Action, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .connect = action else {
            Issue.record("expected connect, got \(action)", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectSendRequest(_ action: Machine.Action, _ connection: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .sendConnectRequest(let actual) = action, actual == connection else {
            Issue.record("expected sendConnectRequest(\(connection)), got \(action)", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectProceed(_ action: Machine.Action, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .proceed = action else {
            Issue.record("expected proceed, got \(action)", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectRead(_ action: Machine.Action, _ connection: Int, timeout: Duration?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .read(let actual, let actualTimeout) = action, actual == connection, actualTimeout == timeout else {
            Issue.record("expected read(\(connection), \(String(describing: timeout))), got \(action)", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectDeliver(_ action: Machine.Action, blockID: UInt16, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .deliver(let message, _) = action, message.blockID == blockID else {
            Issue.record("expected deliver(\(blockID)), got \(action)", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectClose(_ action: Machine.Action, _ connection: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .closeAndContinue(let actual) = action, actual == connection else {
            Issue.record("expected closeAndContinue(\(connection)), got \(action)", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectBackOff(_ action: Machine.Action, _ delay: Duration, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .backOff(let actual) = action, actual == delay else {
            Issue.record("expected backOff(\(delay)), got \(action)", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectFinish(_ action: Machine.Action, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .finish = action else {
            Issue.record("expected finish, got \(action) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
            return
        }
    }

    static func expectFail(_ action: Machine.Action, _ code: PushSessionError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .fail(let error) = action, error.code == code else {
            Issue.record("expected fail(\(code)), got \(action)", sourceLocation: sourceLocation)
            return
        }
    }
}
