import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation

/// `dcmon monitors …`: list, create, show and delete monitors over `/ws/Monitor`.
struct MonitorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitors",
        abstract: "Manage monitors over the /ws/Monitor web service.",
        subcommands: [List.self, Create.self, Show.self, Delete.self, Reset.self, History.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List monitors, optionally filtered.")

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .customLong("where"), help: "A condition in the service's grammar, e.g. \"monTransportType='tcp'\".")
        var condition: String?

        @Flag(help: "One JSON object per monitor instead of a table.")
        var json = false

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
                            print(MonitorOutput.json(record))
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
        @Argument(help: "The monitor id.") var id: UInt32
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            try await reportingFailures {
                try await self.connection.withCloud { cloud in
                    let record = try await cloud.monitors.record(id: self.id)
                    print(self.json ? MonitorOutput.json(record) : MonitorOutput.details(record))
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a monitor.")

        @OptionGroup var connection: ConnectionOptions
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

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a TCP (push) or HTTP monitor.",
            subcommands: [TCP.self, HTTP.self]
        )

        /// Options every monitor has.
        struct Common: ParsableArguments {
            @Option(help: "Comma-separated topics, e.g. \"DataPoint[U],DeviceCore\".") var topics: String
            @Option(help: "Events per block (monBatchSize).") var batchSize: Int?
            @Option(help: "Seconds events may wait to be batched (monBatchDuration).") var batchDuration: Int?
            @Option(help: "zlib or none.") var compression: String?
            @Option(help: "json or xml.") var format: String?
            @Option(help: "Free text.") var description: String?
            @Flag(help: "Print the created monitor as JSON.") var json = false

            var topicList: [String] { splitTopics(self.topics) }
            var compressionValue: MonitorCompression? { self.compression.map(MonitorCompression.init(rawValue:)) }
            var formatValue: MonitorFormat? { self.format.map(MonitorFormat.init(rawValue:)) }
            var duration: Duration? { self.batchDuration.map { .seconds($0) } }

            func report(_ record: MonitorRecord) {
                print(self.json ? MonitorOutput.json(record) : "created monitor \(record.id)")
            }
        }

        struct TCP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "tcp", abstract: "Create a push (TCP) monitor.")

            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var common: Common
            @Option(help: "explicit or off (monAckOption).") var ack: String?
            @Option(help: "true or false: replay missed events on connect (monAutoReplayOnConnect).") var autoReplay: Bool?

            func run() async throws {
                try await reportingFailures {
                    try await self.connection.withCloud { cloud in
                        let monitor = try await cloud.monitors.createTCPMonitor(
                            topics: self.common.topicList,
                            batchSize: self.common.batchSize,
                            batchDuration: self.common.duration,
                            compression: self.common.compressionValue,
                            format: self.common.formatValue,
                            acknowledgement: self.ack.map(MonitorAckOption.init(rawValue:)),
                            autoReplay: self.autoReplay,
                            description: self.common.description
                        )
                        self.common.report(await monitor.record)
                    }
                }
            }
        }

        struct HTTP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "http", abstract: "Create an HTTP monitor.")

            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var common: Common
            @Option(name: .customLong("target"), help: "The URL the service sends blocks to (monTransportUrl).") var target: String
            @Option(help: "user:password the service presents there (monTransportToken).") var token: String?
            @Option(help: "PUT or POST.") var method: String?
            @Option(name: .customLong("header"), help: "An extra header \"Name: value\"; repeatable.") var headers: [String] = []
            @Option(help: "Connect timeout in milliseconds.") var connectTimeout: Int?
            @Option(help: "Response timeout in milliseconds.") var responseTimeout: Int?

            func run() async throws {
                try await reportingFailures {
                    guard let url = URL(string: self.target) else { throw CommandFailure("invalid --target URL") }
                    let token = try self.token.map { text in
                        guard let colon = text.firstIndex(of: ":") else { throw CommandFailure("--token must be user:password") }
                        return Credentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
                    }
                    var headerFields: [String: String] = [:]
                    for header in self.headers {
                        guard let colon = header.firstIndex(of: ":") else { throw CommandFailure("--header must be \"Name: value\"") }
                        headerFields[String(header[..<colon]).trimmingCharacters(in: .whitespaces)] =
                            String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                    }
                    try await self.connection.withCloud { cloud in
                        let monitor = try await cloud.monitors.createHTTPMonitor(
                            topics: self.common.topicList,
                            url: url,
                            token: token,
                            method: self.method.map { MonitorHTTPMethod(rawValue: $0.uppercased()) },
                            headers: headerFields.isEmpty ? nil : headerFields,
                            connectTimeout: self.connectTimeout.map { .milliseconds($0) },
                            responseTimeout: self.responseTimeout.map { .milliseconds($0) },
                            batchSize: self.common.batchSize,
                            batchDuration: self.common.duration,
                            compression: self.common.compressionValue,
                            format: self.common.formatValue,
                            description: self.common.description
                        )
                        self.common.report(await monitor.record)
                    }
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
