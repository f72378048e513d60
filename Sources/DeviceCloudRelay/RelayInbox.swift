import DeviceCloud
import Synchronization

/// The batches pulled from the sources and not yet committed: many producers (one per source),
/// one consumer (the commit loop).
///
/// A batch handed to ``put(_:)`` is always kept, even when the producer is cancelled meanwhile:
/// the relay never drops a batch it has pulled. Producers wait while more than `capacity`
/// batches are pending, which stops them pulling and so pushes back on the service.
final class RelayInbox: Sendable {
    private struct Consumer {
        var enough: @Sendable (Int, Int) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var batches: [MonitorBatch] = []
        var start = 0
        var events = 0
        var finished = false
        /// Commit what is pending now, without waiting for the interval.
        var hurry = false
        var consumer: Consumer?
        var producers: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextProducer = 0
        var puts = 0

        var count: Int { self.batches.count - self.start }

        mutating func wakeConsumerIfReady() -> CheckedContinuation<Void, Never>? {
            guard let consumer = self.consumer, self.finished || (self.hurry && self.count > 0) || consumer.enough(self.count, self.events) else {
                return nil
            }
            self.consumer = nil
            return consumer.continuation
        }
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Batches pending.
    var count: Int { self.state.withLock { $0.count } }

    /// Batches put so far: the place of the latest one.
    var putCount: Int { self.state.withLock { $0.puts } }

    /// Keeps `batch`, then waits while the inbox is over capacity (or until cancelled).
    ///
    /// - Returns: the batch's place in the order of all batches put (1 for the first): it is
    ///   committed and acknowledged once that many batches are.
    @discardableResult
    func put(_ batch: MonitorBatch) async -> Int {
        let (wake, full, sequence) = self.state.withLock { state in
            state.batches.append(batch)
            state.events += batch.events.count
            state.puts += 1
            return (state.wakeConsumerIfReady(), state.count > self.capacity, state.puts)
        }
        wake?.resume()
        guard full else { return sequence }
        let id = self.state.withLock { state in
            state.nextProducer += 1
            return state.nextProducer
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let proceed = self.state.withLock { state in
                    if state.count <= self.capacity || Task.isCancelled { return true }
                    state.producers[id] = continuation
                    return false
                }
                if proceed { continuation.resume() }
            }
        } onCancel: {
            self.state.withLock { $0.producers.removeValue(forKey: id) }?.resume()
        }
        return sequence
    }

    /// Waits until `enough(pendingBatches, pendingEvents)` holds or the inbox is finished; when
    /// `cancellable`, also until the task is cancelled.
    ///
    /// The commit loop waits for its first batch without `cancellable`: a cancelled relay still
    /// ends only once its pulls ended and ``finish()`` was called, so it never spins.
    func wait(cancellable: Bool = true, until enough: @escaping @Sendable (Int, Int) -> Bool) async {
        let register = { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = self.state.withLock { state in
                if state.finished || (state.hurry && state.count > 0) || enough(state.count, state.events)
                    || (cancellable && Task.isCancelled)
                {
                    return true
                }
                state.consumer = Consumer(enough: enough, continuation: continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
        guard cancellable else {
            await withCheckedContinuation(register)
            return
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation(register)
        } onCancel: {
            self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.consumer = nil }
                return state.consumer?.continuation
            }?.resume()
        }
    }

    /// Takes batches from the front: at least one if any is pending, then more while within
    /// both limits.
    func take(maximumBatches: Int, maximumEvents: Int) -> [MonitorBatch] {
        let (taken, producers) = self.state.withLock { state -> ([MonitorBatch], [CheckedContinuation<Void, Never>]) in
            state.hurry = false
            var taken: [MonitorBatch] = []
            var events = 0
            while state.start < state.batches.count, taken.count < maximumBatches {
                let next = state.batches[state.start]
                if !taken.isEmpty, events + next.events.count > maximumEvents { break }
                taken.append(next)
                events += next.events.count
                state.start += 1
            }
            state.events -= events
            if state.start == state.batches.count {
                state.batches.removeAll(keepingCapacity: true)
                state.start = 0
            } else if state.start > 1024, state.start * 2 > state.batches.count {
                state.batches.removeFirst(state.start)
                state.start = 0
            }
            var producers: [CheckedContinuation<Void, Never>] = []
            if state.count <= self.capacity {
                producers = Array(state.producers.values)
                state.producers = [:]
            }
            return (taken, producers)
        }
        for producer in producers { producer.resume() }
        return taken
    }

    /// Asks the consumer to commit what is pending now rather than wait for the interval.
    func hurry() {
        self.state.withLock { state in
            state.hurry = true
            return state.wakeConsumerIfReady()
        }?.resume()
    }

    /// No more batches will come: the consumer drains what is pending and stops.
    func finish() {
        self.state.withLock { state in
            state.finished = true
            return state.wakeConsumerIfReady()
        }?.resume()
    }

    /// Whether ``finish()`` was called and nothing is pending.
    var isDrained: Bool { self.state.withLock { $0.finished && $0.count == 0 } }
}
