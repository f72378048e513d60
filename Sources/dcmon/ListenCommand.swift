import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation
import Logging
import NIOCore

/// `dcmon listen ID [ID …]`: stream TCP monitors' events as JSON lines.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Stream TCP monitors' events to standard output, one JSON object per event with its monitor id.",
        discussion: """
            Several monitors are streamed at once in one process, each on its own connection; \
            --count and --timeout apply to the total. A block is acknowledged only after every \
            one of its events is printed: with --count, a block that was printed only in part is \
            not acknowledged, and the service sends it again. A block that cannot be decoded ends \
            the command with exit 1 naming the block, unless --dead-letter is given.
            """
    )

    // ArgumentParser options: one declaration per flag, alike in shape by design.
    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The monitor ids.")
    var ids: [UInt32]

    @Option(help: "explicit or off; read from each monitor (one GET) when not given (a missing or unknown monAckOption means explicit).")
    var ack: AckOption?

    @Option(help: "Exit 0 after this many events in total. A block printed only in part is not acknowledged.")
    var count: Int?

    @Option(help: "Stop after this many seconds: exit 0 without --count, 1 if --count was not reached.")
    var timeout: Double?

    @Option(help: "Reconnect when nothing at all is received for this many seconds (default: wait for ever).")
    var idleTimeout: Double?

    @Option(help: "Write each undecodable block to a file in this folder, acknowledge it once the file is synced, and go on.")
    var deadLetter: String?

    @Flag(help: "Print no events, only a final summary line (events, seconds, events/s).")
    var quiet = false

    func validate() throws {
        if self.ids.isEmpty { throw ValidationError("give at least one monitor id") }
        if Set(self.ids).count != self.ids.count { throw ValidationError("a monitor id is given twice") }
    }

    func run() async throws {
        try await reportingFailures {
            if let count = self.count, count <= 0 { throw CommandFailure("--count must be positive") }
            let timeout = try self.timeout.map { try positiveSeconds($0, flag: "--timeout") }
            let idleTimeout = try self.idleTimeout.map { try positiveSeconds($0, flag: "--idle-timeout") }
            let deadLetters = try self.deadLetter.map { try DeadLetterFolder(path: $0) }
            try await self.connection.withCloud { cloud in
                let credentials = try self.connection.pushCredentials()
                var sessions: [PushSession] = []
                for id in self.ids {
                    let acknowledgement: AcknowledgementMode
                    if let ack = self.ack {
                        acknowledgement = ack == .explicit ? .explicit : .off
                    } else {
                        let record = try await cloud.monitors.record(id: id)
                        acknowledgement = AcknowledgementMode(record.definition.acknowledgement)
                    }
                    sessions.append(
                        PushSession(
                            configuration: .init(
                                host: cloud.pushHost,
                                port: cloud.configuration.pushPort,
                                transport: cloud.configuration.pushTransport,
                                credentials: credentials,
                                monitorID: id,
                                acknowledgement: acknowledgement,
                                reconnect: cloud.configuration.pushReconnect,
                                idleTimeout: idleTimeout,
                                undecodableBlocks: deadLetters == nil ? .fail : .deliver
                            ),
                            logger: Self.logger
                        )
                    )
                }
                try await self.consume(sessions, timeout: timeout, deadLetters: deadLetters)
            }
        }
    }

    /// Reconnects and undecodable blocks are reported on standard error; standard output carries only events.
    private static var logger: Logger {
        var logger = Logger(label: "devicecloud.push") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .warning
        return logger
    }

    private func consume(_ sessions: [PushSession], timeout: Duration?, deadLetters: DeadLetterFolder?) async throws {
        let progress = ListenProgress(limit: self.count, quiet: self.quiet)
        let quiet = self.quiet
        let outcome: ListenProgress.Outcome = try await withThrowingTaskGroup(of: ListenProgress.Outcome.self) { group in
            for session in sessions {
                group.addTask {
                    try await session.withEvents { batches in
                        if !quiet { note("listening to monitor \(session.configuration.monitorID)") }
                        for try await batch in batches {
                            if let error = batch.decodingError, let deadLetters {
                                let file = try deadLetters.store(batch)
                                await batch.acknowledge()
                                note("dcmon: monitor \(batch.monitorID): block \(batch.blockID) could not be decoded; saved to \(file) and acknowledged [\(error)]")
                                continue
                            }
                            let (printed, reachedLimit) = await progress.print(batch)
                            // Only a block printed in full is acknowledged; the service resends the rest.
                            if printed == batch.events.count { await batch.acknowledge() }
                            if reachedLimit { return .reachedCount }
                        }
                        return .streamEnded
                    }
                }
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                }
            }
            if !quiet {
                group.addTask {
                    while true {
                        try await Task.sleep(for: .seconds(2))
                        note(await progress.line())
                    }
                }
            }
            defer { group.cancelAll() }
            var ended = 0
            while let outcome = try await group.next() {
                guard outcome == .streamEnded else { return outcome }
                ended += 1
                if ended == sessions.count { return .streamEnded }
            }
            return .streamEnded
        }
        let summary = await progress.summary()
        if quiet { print(summary) } else { note(summary) }
        switch outcome {
        case .reachedCount, .streamEnded:
            return
        case .timedOut:
            if let limit = self.count {
                throw CommandFailure("timed out after \(await progress.events) of \(limit) events")
            }
        }
    }
}

/// `--ack` values.
enum AckOption: String, ExpressibleByArgument, CaseIterable {
    case explicit, off
}

/// Counts and prints events for `listen`, one batch at a time across every monitor, so that
/// lines never interleave and `--count` is exact over all of them.
actor ListenProgress {
    enum Outcome: Sendable, Equatable {
        case reachedCount, timedOut, streamEnded
    }

    private(set) var events = 0
    private let limit: Int?
    private let quiet: Bool
    private let start = ContinuousClock.now

    init(limit: Int?, quiet: Bool) {
        self.limit = limit
        self.quiet = quiet
    }

    /// Prints the batch's events up to the limit; returns how many were printed and whether
    /// the limit is now reached.
    func print(_ batch: MonitorBatch) -> (printed: Int, reachedLimit: Bool) {
        var output = ByteBuffer()
        var printed = 0
        for event in batch.events {
            if let limit = self.limit, self.events + printed >= limit { break }
            if !self.quiet { EventOutput.append(event, of: batch, to: &output) }
            printed += 1
        }
        if !self.quiet, printed > 0 { EventOutput.write(output) }
        self.events += printed
        return (printed, self.limit.map { self.events >= $0 } ?? false)
    }

    func line() -> String {
        let seconds = self.elapsed
        return "events: \(self.events), \(Int(Double(self.events) / max(seconds, 0.001))) events/s"
    }

    func summary() -> String {
        let seconds = self.elapsed
        return String(format: "%d events in %.3f s, %.0f events/s", self.events, seconds, Double(self.events) / max(seconds, 0.001))
    }

    private var elapsed: Double {
        let duration = ContinuousClock.now - self.start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
