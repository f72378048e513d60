import NIOCore
import Synchronization

/// The session's state machine behind a lock, with the few handles that closing must reach
/// synchronously from any thread: the channel of a dial in flight, the backoff sleep, and the
/// tasks waiting for the driver.
///
/// ``close()`` is synchronous so that ``PushSession/close()``, a cancelled consumer and a dropped
/// stream all end the session at once, whatever it is doing: the open connection is closed, a
/// dial is aborted, a backoff sleep is woken.
final class PushSessionCore: Sendable {
    typealias Machine = PushSessionStateMachine<PushConnection>

    private struct Locked {
        var machine: Machine
        var dialing: (any Channel)?
        var sleeper: Task<Void, any Error>?
        var driverWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let locked: Mutex<Locked>

    init(settings: Machine.Settings) {
        self.locked = Mutex(Locked(machine: Machine(settings: settings)))
    }

    /// Feeds one input to the machine and returns its answer.
    func withMachine<Result>(_ body: (inout Machine) -> Result) -> Result {
        self.locked.withLock { body(&$0.machine) }
    }

    /// Ends the session: the stream finishes normally unless it had already failed. Returns
    /// the closing connection's close future, if one was open.
    @discardableResult
    func close() -> EventLoopFuture<Void>? {
        let (connection, dialing, sleeper, waiters) = self.locked.withLock { locked in
            let connection = locked.machine.close()
            defer {
                locked.dialing = nil
                locked.sleeper = nil
                locked.driverWaiters = []
            }
            return (connection, locked.dialing, locked.sleeper, locked.driverWaiters)
        }
        connection?.close()
        dialing?.close(promise: nil)
        sleeper?.cancel()
        for waiter in waiters { waiter.resume() }
        return connection?.closed
    }

    /// Records the channel of the dial in flight (`nil` when the dial is over); closes it at once
    /// when the session already ended.
    func registerDialing(_ channel: (any Channel)?) {
        let isClosed = self.locked.withLock { locked in
            locked.dialing = locked.machine.isClosed ? nil : channel
            return locked.machine.isClosed
        }
        if isClosed { channel?.close(promise: nil) }
    }

    /// Records the backoff sleep (`nil` when it is over); cancels it at once when the session ended.
    func registerSleeper(_ sleeper: Task<Void, any Error>?) {
        let isClosed = self.locked.withLock { locked in
            locked.sleeper = locked.machine.isClosed ? nil : sleeper
            return locked.machine.isClosed
        }
        if isClosed { sleeper?.cancel() }
    }

    /// Waits until the current driver stops (or the session closes).
    func waitForDriver() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let mustWait = self.locked.withLock { locked in
                guard locked.machine.isDriven, !locked.machine.isClosed else { return false }
                locked.driverWaiters.append(continuation)
                return true
            }
            if !mustWait { continuation.resume() }
        }
    }

    /// The driver stopped: wakes the tasks waiting to drive.
    func endDriving() {
        let waiters = self.locked.withLock { locked in
            locked.machine.endDriving()
            defer { locked.driverWaiters = [] }
            return locked.driverWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Owned by an event stream's producer closure: when the stream and its iterator are gone
/// (the consumer broke out of its loop, or dropped the stream), this ends the session.
final class StreamOwnership: Sendable {
    let core: PushSessionCore

    init(_ core: PushSessionCore) {
        self.core = core
    }

    deinit {
        self.core.close()
    }
}
