import DeviceCloud
import DeviceCloudProtocol
import Foundation
public import Logging
import Metrics
public import ServiceLifecycle

/// Pulls batches from monitors, commits them to a ``MonitorSink``, and acknowledges each batch
/// only after the transaction that holds it has committed.
///
/// ```swift
/// let sink = try SQLiteEventSink(path: "events.sqlite")
/// let relay = MonitorRelay(sink: sink, sources: [.session(session)])
/// let group = ServiceGroup(services: [relay], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// Batches from all sources are grouped into one transaction, up to
/// ``Configuration/maximumBatchesPerCommit`` batches or ``Configuration/maximumEventsPerCommit``
/// events, waiting at most ``Configuration/commitInterval`` for a transaction to fill. A failed
/// write acknowledges nothing; it is logged and retried with backoff, and the batches stay held
/// (the relay never drops a batch it has pulled). While a commit is failing the relay stops
/// pulling once ``Configuration/maximumPendingBatches`` are held.
///
/// On graceful shutdown (swift-service-lifecycle) the relay stops pulling, commits and
/// acknowledges what it holds, and returns. Cancelling ``run()`` does the same, except that a
/// commit that fails then is not retried: its batches stay unacknowledged and the service
/// delivers them again.
///
/// A relay made with sources ends when every one has ended (after committing what they
/// delivered) and throws ``RelayError/Code/sourceFailed`` when one fails. A relay made with no
/// sources runs until shutdown and relays what ``attach(_:id:)`` gives it; ``detach(_:)`` stops
/// one of those, commits and acknowledges what it delivered, and returns (how monitors are
/// handed from one relay to another).
public final class MonitorRelay: Service, Sendable {
    /// How transactions are grouped and retried.
    public let configuration: Configuration

    private let sink: any MonitorSink
    private let sources: [Source]
    private let logger: Logger
    private let progress = RelayProgress()
    let pumps = RelayPumps()
    private let attached: AsyncStream<(UInt32, Source)>
    private let attachedContinuation: AsyncStream<(UInt32, Source)>.Continuation
    private let storedCounter = Counter(label: "devicecloud.relay.events_stored")
    private let duplicatesCounter = Counter(label: "devicecloud.relay.duplicates_skipped")
    private let commitsCounter = Counter(label: "devicecloud.relay.commits")
    private let failuresCounter = Counter(label: "devicecloud.relay.commit_failures")
    private let acknowledgedCounter = Counter(label: "devicecloud.relay.batches_acknowledged")
    private let commitTimer = Metrics.Timer(label: "devicecloud.relay.commit_duration")
    /// From an event's time at the service to the commit that stored it (each batch's newest event).
    private let lagTimer = Metrics.Timer(label: "devicecloud.relay.lag")

    /// Creates a relay; nothing is pulled until ``run()``.
    ///
    /// - Parameters:
    ///   - sink: where transactions are committed.
    ///   - sources: the streams to pull from; none for a relay fed by ``attach(_:id:)``.
    ///   - configuration: transaction sizes, interval and retry backoff.
    ///   - logger: receives commit failures and source errors.
    public init(
        sink: any MonitorSink,
        sources: [Source] = [],
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "devicecloud.relay")
    ) {
        self.sink = sink
        self.sources = sources
        self.configuration = configuration
        self.logger = logger
        (self.attached, self.attachedContinuation) = AsyncStream.makeStream()
    }

    /// What the relay has done so far.
    public var statistics: Statistics { self.progress.statistics }

    /// Waits until `condition` holds for the relay's statistics (checked after every change) and
    /// returns them.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    @discardableResult
    public func wait(until condition: @escaping @Sendable (Statistics) -> Bool) async throws -> Statistics {
        try await self.progress.wait(until: condition)
    }

    /// Adds a source to a relay made with no sources; it is pulled once ``run()`` runs.
    ///
    /// - Returns: `false` when a source with this id is attached already.
    @discardableResult
    public func attach(_ source: Source, id: UInt32) -> Bool {
        guard self.pumps.add(.attached(id), source: source) else { return false }
        self.attachedContinuation.yield((id, source))
        return true
    }

    /// Hands back the source attached as `id`: stops pulling it, waits until every batch it
    /// delivered is committed and acknowledged, then ends its stream (closing its connection).
    ///
    /// While the sink is failing this waits for the commit, as it must: a block is handed back
    /// only once acknowledged. A batch that arrives meanwhile is still committed; its
    /// acknowledgement may find the connection closed, and the service then delivers it again to
    /// the next owner, which skips it as a duplicate.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled (the stream is ended anyway).
    public func detach(_ id: UInt32) async throws {
        guard let last = self.pumps.beginStopping(.attached(id)) else { return }
        defer { self.pumps.stop(.attached(id)) }
        _ = try await self.progress.wait { $0.batchesAcknowledged + $0.acknowledgementsLost >= last }
    }

    /// Ends every attached source's stream at once, without waiting for commits (fencing: the
    /// caller lost the right to relay them). What they delivered is still committed; its
    /// acknowledgements are lost with the connections and the service delivers those blocks
    /// again, to be skipped as duplicates.
    public func closeAllAttached() {
        self.pumps.closeAll()
    }

    /// The ids of the attached sources being pulled now.
    public var attachedIDs: Set<UInt32> { self.pumps.attachedIDs }

    /// Pulls, commits and acknowledges until every source ends, a source fails, or shutdown.
    ///
    /// On graceful shutdown the sources stay open until what they delivered is committed and
    /// acknowledged (an acknowledgement travels on the connection that delivered its block);
    /// then their streams are ended and the relay returns.
    public func run() async throws {
        let inbox = RelayInbox(capacity: self.configuration.maximumPendingBatches)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.commitLoop(inbox) }
            var pullFailure: (any Error)?
            do {
                try await withThrowingTaskGroup(of: Bool.self) { pulls in
                    pulls.addTask {
                        try await self.pullAll(into: inbox)
                        return true
                    }
                    pulls.addTask {
                        try await gracefulShutdown()
                        let last = max(self.pumps.beginStoppingAll(), inbox.putCount)
                        inbox.hurry()
                        _ = try await self.progress.wait { $0.batchesAcknowledged + $0.acknowledgementsLost >= last }
                        return false
                    }
                    _ = try await pulls.next()
                    pulls.cancelAll()
                    try await pulls.waitForAll()
                }
            } catch is CancellationError {
            } catch {
                pullFailure = error
            }
            inbox.finish()
            try await group.waitForAll()
            if let pullFailure { throw pullFailure }
        }
    }

    private func pullAll(into inbox: RelayInbox) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, source) in self.sources.enumerated() {
                _ = self.pumps.add(.listed(index), source: source)
                group.addTask {
                    if let failure = await self.pull(source, as: .listed(index), into: inbox) { throw failure }
                }
            }
            if self.sources.isEmpty {
                for await (id, source) in self.attached {
                    // A failure is logged by pull; the source's owner sees it end.
                    group.addTask { _ = await self.pull(source, as: .attached(id), into: inbox) }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Pulls until the source ends or is told to stop (then after its batches are acknowledged);
    /// returns the error it ended with, if any.
    private func pull(_ source: Source, as key: RelayPumps.Key, into inbox: RelayInbox) async -> RelayError? {
        let failure = await self.pullUntilEnd(source, as: key, into: inbox)
        self.pumps.ended(key, failure: failure.map { $0.underlying ?? $0.message })
        if failure != nil { self.progress.update { $0.sourceFailures += 1 } }
        return failure
    }

    private func pullUntilEnd(_ source: Source, as key: RelayPumps.Key, into inbox: RelayInbox) async -> RelayError? {
        do {
            if self.pumps.isStopping(key) { return nil }
            for try await batch in source.batches {
                if let decodingError = batch.decodingError {
                    // Delivered only under UndecodableBlockPolicy.deliver: nothing to store; it is
                    // acknowledged with its transaction, so the service skips it for good.
                    self.logger.warning(
                        "relay received an undecodable block; it is acknowledged without storing anything",
                        metadata: ["source": "\(source.name)", "block": "\(batch.blockID)", "error": "\(decodingError)"]
                    )
                }
                self.progress.update { statistics in
                    statistics.batchesPulled += 1
                    statistics.eventsPulled += batch.events.count
                }
                let sequence = await inbox.put(batch)
                if self.pumps.put(key, sequence: sequence) || Task.isCancelled {
                    // Keep the connection open until this batch's acknowledgement is written.
                    inbox.hurry()
                    _ = try? await self.progress.wait { $0.batchesAcknowledged + $0.acknowledgementsLost >= sequence }
                    return nil
                }
            }
            return nil
        } catch {
            if Task.isCancelled || error is CancellationError || self.pumps.isStopping(key) { return nil }
            self.logger.error("relay source failed", metadata: ["source": "\(source.name)", "error": "\(error)"])
            return RelayError(
                .sourceFailed,
                message: "\(source.name) ended with an error",
                underlying: String(describing: error)
            )
        }
    }

    private func commitLoop(_ inbox: RelayInbox) async throws {
        let configuration = self.configuration
        let maximumBatches = configuration.maximumBatchesPerCommit
        let maximumEvents = configuration.maximumEventsPerCommit
        while true {
            await inbox.wait(cancellable: false) { batches, _ in batches > 0 }
            if inbox.isDrained { return }
            if configuration.commitInterval > .zero, !Task.isCancelled {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await inbox.wait { batches, events in batches >= maximumBatches || events >= maximumEvents }
                    }
                    group.addTask {
                        try? await configuration.clock.sleep(for: configuration.commitInterval)
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
            let batches = inbox.take(maximumBatches: maximumBatches, maximumEvents: maximumEvents)
            guard !batches.isEmpty else { continue }
            try await self.commit(batches)
        }
    }

    /// Records, for each batch, the time from its newest event's time at the service to now (just
    /// committed); returns the largest, in seconds, or `nil` when no event carried a time.
    private func recordLag(of batches: [MonitorBatch]) -> Double? {
        let now = Date().timeIntervalSince1970
        var largest: Double?
        for batch in batches {
            guard let time = batch.events.last?.timestamp, let milliseconds = ResourceTimestamp.epochMilliseconds(fromText: time)
            else { continue }
            let lag = max(0, now - Double(milliseconds) / 1000)
            self.lagTimer.recordNanoseconds(Int64(min(lag, 1e9) * 1e9))
            largest = max(largest ?? lag, lag)
        }
        return largest
    }

    /// Writes `batches` until the sink accepts them, then acknowledges each.
    private func commit(_ batches: [MonitorBatch]) async throws {
        var attempt = 0
        while true {
            let start = ContinuousClock.now
            do {
                let receipt = try await self.sink.write(batches)
                let elapsed = ContinuousClock.now - start
                let lag = self.recordLag(of: batches)
                self.commitTimer.recordNanoseconds(
                    elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                self.commitsCounter.increment()
                self.storedCounter.increment(by: receipt.inserted)
                self.duplicatesCounter.increment(by: receipt.duplicates)
                self.progress.update { statistics in
                    statistics.commits += 1
                    statistics.eventsStored += receipt.inserted
                    statistics.duplicatesSkipped += receipt.duplicates
                    statistics.lastFailure = nil
                    statistics.recordLatency(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                    if let lag { statistics.lag = lag }
                }
                break
            } catch {
                self.failuresCounter.increment()
                self.progress.update { statistics in
                    statistics.failedCommits += 1
                    statistics.lastFailure = String(describing: error)
                }
                if Task.isCancelled {
                    throw RelayError(
                        .shutdownBeforeCommit,
                        message: "cancelled while \(batches.count) batches could not be committed; they were not acknowledged",
                        underlying: String(describing: error)
                    )
                }
                let delay = self.configuration.retryDelay(attempt: attempt)
                self.logger.error(
                    "relay commit failed; nothing of it was acknowledged, retrying",
                    metadata: ["batches": "\(batches.count)", "attempt": "\(attempt + 1)", "retry-in": "\(delay)", "error": "\(error)"]
                )
                attempt += 1
                do {
                    try await self.configuration.clock.sleep(for: delay)
                } catch {
                    throw RelayError(
                        .shutdownBeforeCommit,
                        message: "cancelled while \(batches.count) batches could not be committed; they were not acknowledged"
                    )
                }
            }
        }
        var lost = 0
        for batch in batches where !(await batch.acknowledge()) {
            lost += 1
        }
        self.acknowledgedCounter.increment(by: batches.count - lost)
        self.progress.update { statistics in
            statistics.batchesAcknowledged += batches.count - lost
            statistics.acknowledgementsLost += lost
        }
    }
}
