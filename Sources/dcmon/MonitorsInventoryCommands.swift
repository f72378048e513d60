import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation
import NIOCore

extension MonitorsCommand {
    /// `dcmon monitors reset ID`.
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reset a monitor through /ws/v1/monitors/inventory/ID/reset (re-enables a DISABLED one)."
        )

        @OptionGroup var connection: ConnectionOptions
        // ArgumentParser needs one command type per subcommand: a small shell, deliberately alike.
        @Argument(help: "The monitor id.") var id: UInt32

        func run() async throws {
            try await reportingFailures {
                try await self.connection.withCloud { cloud in
                    try await cloud.monitors.reset(id: self.id)
                    let record = try await cloud.monitors.record(id: self.id)
                    print("reset monitor \(self.id) (status \(record.status?.rawValue ?? "unknown"))")
                }
            }
        }
    }

    /// `dcmon monitors history ID --since T [--until T]`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a persistent monitor's saved events (/ws/v1/monitors/history/ID) as JSON lines."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The monitor id.") var id: UInt32
        @Option(help: "The earliest time, ISO-8601 UTC, e.g. 2026-11-30T10:00:00Z.") var since: String
        @Option(help: "Events saved before this time, ISO-8601 UTC (default: up to now).") var until: String?
        @Option(help: "Events per request (default 1000).") var pageSize: Int?

        func run() async throws {
            try await reportingFailures {
                let from = try Self.date(self.since, flag: "--since")
                let to = try self.until.map { try Self.date($0, flag: "--until") }
                if let pageSize = self.pageSize, pageSize <= 0 { throw CommandFailure("--page-size must be positive") }
                try await self.connection.withCloud { cloud in
                    var count = 0
                    for try await event in cloud.monitors.history(self.id, from: from, to: to, pageSize: self.pageSize) {
                        var line = ByteBuffer()
                        EventOutput.append(event, monitorID: self.id, blockID: nil, to: &line)
                        EventOutput.write(line)
                        count += 1
                    }
                    note("\(count) saved event\(count == 1 ? "" : "s") of monitor \(self.id)")
                }
            }
        }

        static func date(_ text: String, flag: String) throws -> Date {
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text) { return date }
            throw CommandFailure("\(flag) must be an ISO-8601 time such as 2026-11-30T10:00:00Z, not \(text)")
        }
    }
}
