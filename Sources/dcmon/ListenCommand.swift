import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation
import Logging
import NIOCore

/// `dcmon listen ID`: stream a TCP monitor's events as JSON lines.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Stream a TCP monitor's events to standard output, one JSON object per event.",
        discussion: """
            A block is acknowledged only after every one of its events is printed: with --count, \
            a block that was printed only in part is not acknowledged, and the service sends it \
            again. A block that cannot be decoded ends the command with exit 1 naming the block, \
            unless --dead-letter is given.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The monitor id.")
    var id: UInt32

    @Option(help: "explicit or off; read from the monitor (one GET) when not given (a missing or unknown monAckOption means explicit).")
    var ack: AckOption?

    @Option(help: "Exit 0 after this many events. A block printed only in part is not acknowledged.")
    var count: Int?

    @Option(help: "Stop after this many seconds: exit 0 without --count, 1 if --count was not reached.")
    var timeout: Double?

    @Option(help: "Reconnect when nothing at all is received for this many seconds (default: wait for ever).")
    var idleTimeout: Double?

    @Option(help: "Write each undecodable block to a file in this folder, acknowledge it once the file is synced, and go on.")
    var deadLetter: String?

    @Flag(help: "Print no events, only a final summary line (events, seconds, events/s).")
    var quiet = false

    func run() async throws {
        try await reportingFailures {
            if let count = self.count, count <= 0 { throw CommandFailure("--count must be positive") }
            let timeout = try self.timeout.map { try positiveSeconds($0, flag: "--timeout") }
            let idleTimeout = try self.idleTimeout.map { try positiveSeconds($0, flag: "--idle-timeout") }
            let deadLetters = try self.deadLetter.map { try DeadLetterFolder(path: $0) }
            try await self.connection.withCloud { cloud in
                let acknowledgement: AcknowledgementMode
                if let ack = self.ack {
                    acknowledgement = ack == .explicit ? .explicit : .off
                } else {
                    let record = try await cloud.monitors.record(id: self.id)
                    acknowledgement = AcknowledgementMode(record.definition.acknowledgement)
                }
                let credentials = try self.connection.pushCredentials()
                let session = PushSession(
                    configuration: .init(
                        host: cloud.pushHost,
                        port: cloud.configuration.pushPort,
                        transport: cloud.configuration.pushTransport,
                        credentials: credentials,
                        monitorID: self.id,
                        acknowledgement: acknowledgement,
                        reconnect: cloud.configuration.pushReconnect,
                        idleTimeout: idleTimeout,
                        undecodableBlocks: deadLetters == nil ? .fail : .deliver
                    ),
                    logger: Self.logger
                )
                try await self.consume(session, timeout: timeout, deadLetters: deadLetters)
            }
        }
    }

    /// Reconnects and undecodable blocks are reported on standard error; standard output carries only events.
    private static var logger: Logger {
        var logger = Logger(label: "devicecloud.push") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .warning
        return logger
    }

    private func consume(_ session: PushSession, timeout: Duration?, deadLetters: DeadLetterFolder?) async throws {
        let progress = ListenProgress()
        let limit = self.count
        let quiet = self.quiet
        let outcome: ListenProgress.Outcome = try await withThrowingTaskGroup(of: ListenProgress.Outcome.self) { group in
            group.addTask {
                try await session.withEvents { batches in
                    if !quiet { note("listening to monitor \(session.configuration.monitorID)") }
                    for try await batch in batches {
                        if let error = batch.decodingError, let deadLetters {
                            let file = try deadLetters.store(batch)
                            await batch.acknowledge()
                            note("dcmon: block \(batch.blockID) could not be decoded; saved to \(file) and acknowledged [\(error.underlying.map { "\($0)" } ?? error.message)]")
                            continue
                        }
                        var output = ByteBuffer()
                        var printed = 0
                        for event in batch.events {
                            if let limit, await progress.events + printed >= limit { break }
                            if !quiet { EventOutput.append(event, of: batch, to: &output) }
                            printed += 1
                        }
                        if !quiet { EventOutput.write(output) }
                        // Only a block printed in full is acknowledged; the service resends the rest.
                        if printed == batch.events.count { await batch.acknowledge() }
                        if await progress.add(printed, limit: limit) { return .reachedCount }
                    }
                    return .streamEnded
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
            return try await group.next() ?? .streamEnded
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

/// Counts events and reports rates for `listen`.
actor ListenProgress {
    enum Outcome: Sendable {
        case reachedCount, timedOut, streamEnded
    }

    private(set) var events = 0
    private let start = ContinuousClock.now

    /// Adds printed events; `true` once the limit is reached.
    func add(_ count: Int, limit: Int?) -> Bool {
        self.events += count
        return limit.map { self.events >= $0 } ?? false
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
