import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation

/// `dcmon monitors …`: list, create, show and delete monitors over `/ws/Monitor`.
struct MonitorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitors",
        abstract: "Manage monitors over the /ws/Monitor web service.",
        subcommands: [
            List.self, Create.self, Show.self, Delete.self, Update.self, Find.self, Ensure.self, Reset.self, History.self,
        ]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List monitors, optionally filtered.")

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .customLong("where"), help: "A condition in the service's grammar, e.g. \"monTransportType='tcp'\".")
        var condition: String?

        @Flag(help: "One JSON object per monitor instead of a table.")
        var json = false

        @Flag(help: "Print transport tokens and header values instead of <redacted>.")
        var showSecrets = false

        func run() async throws {
            try await reportingFailures {
                let condition = try self.condition.map { text in
                    do { return try MonitorCondition(parsing: text) } catch {
                        throw CommandFailure("invalid --where condition: \(error)")
                    }
                }
                try await self.connection.withCloud { cloud in
                    var rows: [MonitorRecord] = []
                    for try await monitor in cloud.monitors.list(where: condition) {
                        let record = await monitor.record
                        if self.json {
                            print(MonitorOutput.json(record, showSecrets: self.showSecrets))
                        } else {
                            rows.append(record)
                        }
                    }
                    if !self.json { print(MonitorOutput.table(rows)) }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every element of one monitor.")

        @OptionGroup var connection: ConnectionOptions
        // ArgumentParser needs one command type per subcommand: a small shell, deliberately alike.
        @Argument(help: "The monitor id.") var id: UInt32
        @Flag(help: "Print JSON instead of text.") var json = false
        @Flag(help: "Print the transport token and header values instead of <redacted>.") var showSecrets = false

        func run() async throws {
            try await reportingFailures {
                try await self.connection.withCloud { cloud in
                    let record = try await cloud.monitors.record(id: self.id)
                    print(
                        self.json
                            ? MonitorOutput.json(record, showSecrets: self.showSecrets)
                            : MonitorOutput.details(record, showSecrets: self.showSecrets)
                    )
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a monitor.")

        @OptionGroup var connection: ConnectionOptions
        // ArgumentParser needs one command type per subcommand: a small shell, deliberately alike.
        @Argument(help: "The monitor id.") var id: UInt32

        func run() async throws {
            try await reportingFailures {
                try await self.connection.withCloud { cloud in
                    try await cloud.monitors.delete(id: self.id)
                    print("deleted monitor \(self.id)")
                }
            }
        }
    }
}

/// Splits a comma-separated topic list, keeping commas inside an operation filter (`DeviceCore[I,D]`).
func splitTopics(_ text: String) -> [String] {
    var topics: [String] = []
    var current = ""
    var depth = 0
    for character in text {
        if character == "[" { depth += 1 }
        if character == "]" { depth -= 1 }
        if character == ",", depth == 0 {
            topics.append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        } else {
            current.append(character)
        }
    }
    topics.append(current.trimmingCharacters(in: .whitespaces))
    return topics.filter { !$0.isEmpty }
}
