import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation

extension MonitorsCommand {
    /// `dcmon monitors create tcp|http`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a TCP (push) or HTTP monitor.",
            subcommands: [TCP.self, HTTP.self]
        )

        /// Creates the monitor and reports it.
        static func create(_ definition: MonitorDefinition, connection: ConnectionOptions, common: CommonMonitorArguments) async throws {
            try await connection.withCloud { cloud in
                let monitor = try await cloud.monitors.create(definition)
                common.report(await monitor.record, verb: "created")
            }
        }

        // ArgumentParser needs one command type per subcommand: `create tcp|http` and
        // `ensure tcp|http` are four small shells around `newMonitor` (deliberately alike).
        struct TCP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "tcp", abstract: "Create a push (TCP) monitor.")

            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var common: CommonMonitorArguments
            @OptionGroup var tcp: TCPMonitorArguments

            func run() async throws {
                try await reportingFailures {
                    try await Create.create(try self.tcp.newMonitor(self.common), connection: self.connection, common: self.common)
                }
            }
        }

        struct HTTP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "http", abstract: "Create an HTTP monitor.")

            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var common: CommonMonitorArguments
            @OptionGroup var http: HTTPMonitorArguments

            func run() async throws {
                try await reportingFailures {
                    try await Create.create(try self.http.newMonitor(self.common), connection: self.connection, common: self.common)
                }
            }
        }
    }

    /// `dcmon monitors update ID [the create options]`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the elements given (PUT; the service resets the monitor's state)."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The monitor id.") var id: UInt32
        @OptionGroup var common: CommonMonitorArguments
        @OptionGroup var tcp: TCPMonitorArguments
        @OptionGroup var http: HTTPMonitorArguments

        func run() async throws {
            try await reportingFailures {
                var definition = try self.common.definition(topicsRequired: false)
                self.tcp.apply(to: &definition)
                try self.http.apply(to: &definition, creating: false)
                guard definition != MonitorDefinition() else { throw CommandFailure("nothing to change: give at least one option") }
                try await self.connection.withCloud { cloud in
                    let record = try await cloud.monitors.update(id: self.id, with: definition)
                    self.common.report(record, verb: "updated")
                }
            }
        }
    }

    /// `dcmon monitors find --topics T[,T]`.
    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the id of the first monitor whose topics are exactly these (exit 1 when there is none)."
        )

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Comma-separated topics, in order.") var topics: String
        @Flag(help: "Print the monitor as JSON.") var json = false

        func run() async throws {
            try await reportingFailures {
                let topics = splitTopics(self.topics)
                guard !topics.isEmpty else { throw CommandFailure("--topics names no topic") }
                try await self.connection.withCloud { cloud in
                    guard let monitor = try await cloud.monitors.find(topics: topics) else {
                        throw CommandFailure("no monitor has the topics \(topics.joined(separator: ","))")
                    }
                    print(self.json ? MonitorOutput.json(await monitor.record) : String(monitor.id))
                }
            }
        }
    }

    /// `dcmon monitors ensure tcp|http --topics …`: get-or-create.
    struct Ensure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the id of the monitor with exactly these topics and transport, creating it if there is none.",
            discussion: "Idempotent: running it again prints the same id. An existing monitor is not changed.",
            subcommands: [TCP.self, HTTP.self]
        )

        /// The existing monitor with the definition's topics and transport, or a new one.
        static func ensure(_ definition: MonitorDefinition, connection: ConnectionOptions, json: Bool) async throws {
            try await connection.withCloud { cloud in
                let topics = definition.topics ?? []
                let condition = MonitorField.topics == topics && MonitorField.transportType == (definition.transportType ?? .tcp)
                var found: MonitorRecord?
                for try await monitor in cloud.monitors.list(where: condition) where await monitor.record.topics == topics {
                    found = await monitor.record
                    break
                }
                let record: MonitorRecord
                if let found {
                    record = found
                } else {
                    let monitor = try await cloud.monitors.create(definition)
                    record = await monitor.record
                }
                print(json ? MonitorOutput.json(record) : String(record.id))
            }
        }

        struct TCP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "tcp", abstract: "Get or create a push (TCP) monitor.")

            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var common: CommonMonitorArguments
            @OptionGroup var tcp: TCPMonitorArguments

            func run() async throws {
                try await reportingFailures {
                    try await Ensure.ensure(try self.tcp.newMonitor(self.common), connection: self.connection, json: self.common.json)
                }
            }
        }

        struct HTTP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "http", abstract: "Get or create an HTTP monitor.")

            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var common: CommonMonitorArguments
            @OptionGroup var http: HTTPMonitorArguments

            func run() async throws {
                try await reportingFailures {
                    try await Ensure.ensure(try self.http.newMonitor(self.common), connection: self.connection, json: self.common.json)
                }
            }
        }
    }
}
