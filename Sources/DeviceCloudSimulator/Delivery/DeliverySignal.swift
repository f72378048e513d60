/// Wakes one deliverer: the store signals it when there is something to do, finishes it when
/// the deliverer must stop, and the deliverer waits on it with an optional deadline.
///
/// At most one wake-up is buffered (`bufferingNewest(1)`), so a burst of events costs one
/// wake-up and a signal raised between the deliverer's last look and its wait is never lost.
struct DeliverySignal {
    /// What the store keeps to wake or stop the deliverer.
    let continuation: AsyncStream<Void>.Continuation
    private var wakeups: AsyncStream<Void>.AsyncIterator

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.continuation = continuation
        self.wakeups = stream.makeAsyncIterator()
    }

    /// Waits for a wake-up, or until `deadline` when there is one.
    ///
    /// - Returns: `false` when the signal was finished or the task cancelled: the deliverer stops.
    mutating func wait(until deadline: ContinuousClock.Instant?) async -> Bool {
        guard let deadline else {
            return await self.wakeups.next() != nil
        }
        return await self.racingTimer(to: deadline) { wakeups in
            await wakeups.next() != nil
        }
    }

    /// Waits until `deadline` whatever wake-ups arrive meanwhile (a retry's backoff), unless the
    /// signal is finished.
    ///
    /// - Returns: `false` when the signal was finished or the task cancelled.
    mutating func pause(until deadline: ContinuousClock.Instant) async -> Bool {
        let clock = ContinuousClock()
        return await self.racingTimer(to: deadline) { wakeups in
            while clock.now < deadline {
                guard await wakeups.next() != nil else { return false }
            }
            return true
        }
    }

    /// Runs `body` on the wake-ups while a child task wakes them at `deadline`.
    private mutating func racingTimer(
        to deadline: ContinuousClock.Instant,
        _ body: (inout AsyncStream<Void>.AsyncIterator) async -> Bool
    ) async -> Bool {
        let continuation = self.continuation
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    continuation.yield()
                } catch {
                    // Cancelled: the wait ended first.
                }
            }
            let proceed = await body(&self.wakeups)
            group.cancelAll()
            return proceed && !Task.isCancelled
        }
    }
}
