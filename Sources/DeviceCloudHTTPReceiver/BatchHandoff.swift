import DeviceCloudProtocol
import Synchronization

/// Hands decoded deliveries from request handlers to the stream's consumer, one at a time and
/// in order, and tells each request when to answer (see ``HandoffStateMachine``).
final class BatchHandoff: Sendable {
    private let state: Mutex<HandoffStateMachine>
    private let monitorID: UInt32
    private let acknowledgesExplicitly: Bool

    init(maximumWaitingRequests: Int, acknowledgement: AcknowledgementMode, monitorID: UInt32) {
        self.acknowledgesExplicitly = acknowledgement == .explicit
        self.monitorID = monitorID
        self.state = Mutex(
            HandoffStateMachine(maximumSlots: maximumWaitingRequests, acknowledgesExplicitly: acknowledgement == .explicit)
        )
    }

    var isFinished: Bool { self.state.withLock { $0.isFinished } }

    /// A slot for a new request, or `nil` (answer 503 at once) when too many wait or the
    /// receiver stopped.
    func reserve() -> Int? {
        self.state.withLock { $0.reserve() }
    }

    /// Frees a slot whose request was answered without the consumer. Harmless after a delivery.
    func release(_ slot: Int) {
        self.state.withLock { $0.release(slot) }
    }

    /// Offers a delivery and waits until the consumer took it (and acknowledged it, in explicit
    /// mode), `deadline` passed, the request's task was cancelled, or the receiver stopped.
    func deliver(_ delivery: DecodedDelivery, slot: Int, until deadline: ContinuousClock.Instant) async -> HandoffOutcome {
        await withTaskGroup(of: Void.self, returning: HandoffOutcome.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                } catch {
                    return
                }
                self.expire(slot)
            }
            let outcome = await self.wait(delivery, slot: slot)
            group.cancelAll()
            return outcome
        }
    }

    private func wait(_ delivery: DecodedDelivery, slot: Int) async -> HandoffOutcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (sender: HandoffStateMachine.Sender) in
                let action = self.state.withLock { state in
                    // Checked under the lock `expire` takes: a cancellation either finds the
                    // slot waiting or has already marked it expired.
                    if Task.isCancelled { _ = state.expire(slot) }
                    return state.offer(slot: slot, delivery: delivery, sender: sender)
                }
                self.perform(action)
            }
        } onCancel: {
            self.expire(slot)
        }
    }

    private func expire(_ slot: Int) {
        let sender = self.state.withLock { $0.expire(slot) }
        sender?.resume(returning: .timedOut)
    }

    /// The consumer's next batch; `nil` once the receiver stopped or the consumer's task is
    /// cancelled (which stops the receiver).
    func next() async throws -> MonitorBatch? {
        let handedOver = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (consumer: HandoffStateMachine.Consumer) in
                let (finish, action) = self.state.withLock { state in
                    // Under the lock `finish` takes: a cancellation is either seen here or
                    // finds the consumer registered.
                    let finish = Task.isCancelled ? state.finish(nil) : nil
                    return (finish, state.next(consumer))
                }
                if let finish { self.perform(finish) }
                self.perform(action)
            }
        } onCancel: {
            self.finish(nil)
        }
        return handedOver.map(self.makeBatch)
    }

    private func makeBatch(_ handedOver: HandoffStateMachine.HandedOverBatch) -> MonitorBatch {
        let slot = handedOver.slot
        let delivery = handedOver.delivery
        var acknowledgement: (@Sendable () async -> Bool)?
        if self.acknowledgesExplicitly {
            acknowledgement = { @Sendable in self.acknowledge(slot) }
        }
        return MonitorBatch(
            monitorID: self.monitorID,
            blockID: handedOver.blockID,
            compression: delivery.compression,
            format: delivery.format,
            document: delivery.document,
            events: delivery.events,
            acknowledgement: acknowledgement
        )
    }

    /// Answers a taken batch's request with 2xx; `false` when it was already answered with 503.
    private func acknowledge(_ slot: Int) -> Bool {
        guard let sender = self.state.withLock({ $0.acknowledge(slot) }) else { return false }
        sender.resume(returning: .delivered)
        return true
    }

    /// Stops the handoff: waiting requests get 503, the consumer's stream ends (throwing
    /// `error` when set), later requests are refused. Only the first call counts.
    func finish(_ error: (any Error)?) {
        let action = self.state.withLock { $0.finish(error) }
        self.perform(action)
    }

    /// Returns once ``finish(_:)`` was called; cancelling the wait finishes the handoff.
    func waitUntilFinished() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let waits = self.state.withLock { $0.waitUntilFinished(waiter) }
                if !waits { waiter.resume() }
            }
        } onCancel: {
            self.finish(nil)
        }
    }

    private func perform(_ action: HandoffStateMachine.HandOverAction) {
        switch action {
        case .wait:
            break
        case .resumeSender(let sender, let outcome):
            sender.resume(returning: outcome)
        case .handOver(let consumer, let batch, let deliveredSender):
            deliveredSender?.resume(returning: .delivered)
            consumer.resume(returning: batch)
        case .finishConsumer(let consumer, let error):
            if let error {
                consumer.resume(throwing: error)
            } else {
                consumer.resume(returning: nil)
            }
        }
    }

    private func perform(_ action: HandoffStateMachine.FinishAction) {
        for sender in action.senders {
            sender.resume(returning: .shutDown)
        }
        if let consumer = action.consumer {
            if let error = action.error {
                consumer.resume(throwing: error)
            } else {
                consumer.resume(returning: nil)
            }
        }
        for waiter in action.finishWaiters {
            waiter.resume()
        }
    }
}

/// Owned by the stream's producer closure: when the stream and its iterator are gone (the
/// consumer broke out of its loop or dropped the stream), the receiver stops.
final class ConsumerOwnership: Sendable {
    let handoff: BatchHandoff

    init(_ handoff: BatchHandoff) {
        self.handoff = handoff
    }

    deinit {
        self.handoff.finish(nil)
    }
}
