/// What became of a delivery that waited in the handoff.
enum HandoffOutcome: Sendable, Hashable {
    /// The consumer took the batch (and acknowledged it, in explicit mode): answer 2xx.
    case delivered
    /// The consumer did not take (or acknowledge) it in time: answer 503, the sender retries.
    case timedOut
    /// The receiver stopped: answer 503, the sender retries.
    case shutDown
}

/// The rendezvous between HTTP requests carrying batches and the one consumer of the stream,
/// as a value type without I/O: each method takes an event and returns what to resume. The
/// ``BatchHandoff`` keeps it behind a lock and resumes the continuations outside it.
///
/// A request first reserves a slot (at most ``maximumSlots`` at once, so memory stays bounded
/// whatever senders do), then offers its decoded delivery and waits. The consumer takes
/// deliveries in the order they were offered. In explicit mode a taken delivery keeps its slot
/// until the consumer acknowledges it.
struct HandoffStateMachine {
    typealias Sender = CheckedContinuation<HandoffOutcome, Never>
    typealias Consumer = CheckedContinuation<HandedOverBatch?, any Error>

    /// A delivery given to the consumer, with what is needed to make its batch.
    struct HandedOverBatch: Sendable {
        let slot: Int
        let blockID: UInt16
        let delivery: DecodedDelivery
    }

    private enum Slot {
        /// Admitted; the body is being read and decoded.
        case reserved
        /// Given up (timeout or cancellation) before it was offered.
        case expired
        /// Waiting for the consumer to take it.
        case queued(DecodedDelivery, Sender)
        /// Taken; waiting for the acknowledgement (explicit mode).
        case taken(Sender)
    }

    /// What to resume after ``offer(slot:delivery:sender:)`` or ``next(_:)``.
    enum HandOverAction {
        /// Nothing yet: the party waits.
        case wait
        /// Resume the sender with an outcome (no consumer involved).
        case resumeSender(Sender, HandoffOutcome)
        /// Give the consumer a batch; also resume the sender as delivered when it is set
        /// (acknowledgement off).
        case handOver(Consumer, HandedOverBatch, deliveredSender: Sender?)
        /// End the consumer's stream: normally with `nil`, or with the error.
        case finishConsumer(Consumer, (any Error)?)
    }

    /// Everything to resume once the handoff finishes.
    struct FinishAction {
        var senders: [Sender] = []
        var consumer: Consumer?
        var error: (any Error)?
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let maximumSlots: Int
    let acknowledgesExplicitly: Bool

    private var slots: [Int: Slot] = [:]
    /// Queued slots in offer order.
    private var queue: [Int] = []
    private var consumer: Consumer?
    private var nextSlot = 0
    private var nextBlockID: UInt16 = 0
    private var finished: Result<Void, any Error>?
    private var finishWaiters: [CheckedContinuation<Void, Never>] = []

    init(maximumSlots: Int, acknowledgesExplicitly: Bool) {
        self.maximumSlots = maximumSlots
        self.acknowledgesExplicitly = acknowledgesExplicitly
    }

    var isFinished: Bool { self.finished != nil }

    /// Admits a request: its slot, or `nil` when all slots are taken or the handoff finished.
    mutating func reserve() -> Int? {
        guard self.finished == nil, self.slots.count < self.maximumSlots else { return nil }
        defer { self.nextSlot += 1 }
        self.slots[self.nextSlot] = .reserved
        return self.nextSlot
    }

    /// Frees a slot that never waited (an answer was given without the consumer).
    mutating func release(_ slot: Int) {
        switch self.slots[slot] {
        case .reserved, .expired:
            self.slots[slot] = nil
        case .queued, .taken, nil:
            break
        }
    }

    /// A request offers its decoded delivery and waits with `sender`.
    mutating func offer(slot: Int, delivery: DecodedDelivery, sender: Sender) -> HandOverAction {
        guard self.finished == nil else {
            self.slots[slot] = nil
            return .resumeSender(sender, .shutDown)
        }
        guard case .reserved = self.slots[slot] else {
            self.slots[slot] = nil
            return .resumeSender(sender, .timedOut)
        }
        if let consumer = self.consumer {
            self.consumer = nil
            return self.handOver(slot: slot, delivery: delivery, sender: sender, to: consumer)
        }
        self.slots[slot] = .queued(delivery, sender)
        self.queue.append(slot)
        return .wait
    }

    /// The consumer asks for the next batch and waits with `consumer`.
    mutating func next(_ consumer: Consumer) -> HandOverAction {
        while !self.queue.isEmpty {
            let slot = self.queue.removeFirst()
            guard case .queued(let delivery, let sender) = self.slots[slot] else { continue }
            return self.handOver(slot: slot, delivery: delivery, sender: sender, to: consumer)
        }
        if let finished = self.finished {
            switch finished {
            case .success: return .finishConsumer(consumer, nil)
            case .failure(let error): return .finishConsumer(consumer, error)
            }
        }
        guard self.consumer == nil else {
            return .finishConsumer(consumer, HTTPReceiverError(.alreadyStreaming, "two tasks pulled the stream at once"))
        }
        self.consumer = consumer
        return .wait
    }

    private mutating func handOver(slot: Int, delivery: DecodedDelivery, sender: Sender, to consumer: Consumer) -> HandOverAction {
        let batch = HandedOverBatch(slot: slot, blockID: self.nextBlockID, delivery: delivery)
        self.nextBlockID &+= 1
        if self.acknowledgesExplicitly {
            self.slots[slot] = .taken(sender)
            return .handOver(consumer, batch, deliveredSender: nil)
        }
        self.slots[slot] = nil
        return .handOver(consumer, batch, deliveredSender: sender)
    }

    /// The consumer acknowledged a taken batch: its sender to resume as delivered, or `nil`
    /// when the request already got its answer (timeout or shutdown).
    mutating func acknowledge(_ slot: Int) -> Sender? {
        guard case .taken(let sender) = self.slots[slot] else { return nil }
        self.slots[slot] = nil
        return sender
    }

    /// The wait of a request ended (timeout or cancellation): its sender to resume, if it waits.
    mutating func expire(_ slot: Int) -> Sender? {
        switch self.slots[slot] {
        case .reserved:
            self.slots[slot] = .expired
            return nil
        case .queued(_, let sender):
            self.slots[slot] = nil
            self.queue.removeAll { $0 == slot }
            return sender
        case .taken(let sender):
            self.slots[slot] = nil
            return sender
        case .expired, nil:
            return nil
        }
    }

    /// Ends the handoff: every waiting request is answered, the consumer's stream ends (with
    /// `error` when set), and later requests are refused. Only the first call counts.
    mutating func finish(_ error: (any Error)?) -> FinishAction {
        guard self.finished == nil else { return FinishAction() }
        self.finished = error.map { .failure($0) } ?? .success(())
        var action = FinishAction(error: error)
        for (slot, state) in self.slots {
            switch state {
            case .queued(_, let sender), .taken(let sender):
                action.senders.append(sender)
                self.slots[slot] = nil
            case .reserved, .expired:
                // Answered when they offer.
                break
            }
        }
        self.queue = []
        action.consumer = self.consumer
        self.consumer = nil
        action.finishWaiters = self.finishWaiters
        self.finishWaiters = []
        return action
    }

    /// Registers a wait for the end; `false` when already finished (do not wait).
    mutating func waitUntilFinished(_ waiter: CheckedContinuation<Void, Never>) -> Bool {
        guard self.finished == nil else { return false }
        self.finishWaiters.append(waiter)
        return true
    }
}
