import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation
import NIOCore

/// `dcmon listen ID`: stream a TCP monitor's events as JSON lines.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Stream a TCP monitor's events to standard output, one JSON object per event."
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The monitor id.")
    var id: UInt32

    @Option(help: "explicit or off; read from the monitor (one GET) when not given.")
    var ack: AckOption?

    @Option(help: "Exit 0 after this many events (each batch is acknowledged after printing).")
    var count: Int?

    @Option(help: "Stop after this many seconds: exit 0 without --count, 1 if --count was not reached.")
    var timeout: Double?

    @Flag(help: "Print no events, only a final summary line (events, seconds, events/s).")
    var quiet = false

    func run() async throws {
        try await reportingFailures {
            try await self.connection.withCloud { cloud in
                let acknowledgement: AcknowledgementMode
                if let ack = self.ack {
                    acknowledgement = ack == .explicit ? .explicit : .off
                } else {
                    let record = try await cloud.monitors.record(id: self.id)
                    acknowledgement = record.definition.acknowledgement == .explicit ? .explicit : .off
                }
                let (_, credentials, _) = try self.connection.resolved()
                let session = PushSession(
                    configuration: .init(
                        host: cloud.pushHost,
                        port: cloud.configuration.pushPort,
                        transport: cloud.configuration.pushTransport,
                        credentials: credentials,
                        monitorID: self.id,
                        acknowledgement: acknowledgement,
                        reconnect: cloud.configuration.pushReconnect
                    )
                )
                try await self.consume(session)
            }
        }
    }

    private func consume(_ session: PushSession) async throws {
        let progress = ListenProgress()
        let limit = self.count
        let quiet = self.quiet
        let outcome: ListenProgress.Outcome = try await withThrowingTaskGroup(of: ListenProgress.Outcome.self) { group in
            group.addTask {
                try await session.withEvents { batches in
                    if !quiet { note("listening to monitor \(session.configuration.monitorID)") }
                    for try await batch in batches {
                        var output = ByteBuffer()
                        var printed = 0
                        for event in batch.events {
                            if let limit, await progress.events + printed >= limit { break }
                            if !quiet { EventOutput.append(event, of: batch, to: &output) }
                            printed += 1
                        }
                        if !quiet { EventOutput.write(output) }
                        await batch.acknowledge()
                        if await progress.add(printed, limit: limit) { return .reachedCount }
                    }
                    return .streamEnded
                }
            }
            if let timeout = self.timeout {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
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
