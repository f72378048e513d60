import ArgumentParser
import DeviceCloud
import DeviceCloudProtocol
import Foundation

/// Options every monitor has, for `monitors create|update|ensure`.
struct CommonMonitorArguments: ParsableArguments {
    @Option(help: "Comma-separated topics, e.g. \"DataPoint[U],DeviceCore\".") var topics: String?
    @Option(help: "Events per block (monBatchSize).") var batchSize: Int?
    @Option(help: "Seconds events may wait to be batched (monBatchDuration).") var batchDuration: Int?
    @Option(help: "zlib or none.") var compression: String?
    @Option(help: "json or xml.") var format: String?
    @Option(help: "Free text.") var description: String?
    @Option(help: "The template language of a templated monitor, e.g. handlebars (monSchemaType).") var schemaType: String?
    @Option(help: "A file holding the template (monSchemaData).") var schemaFile: String?
    @Option(help: "true or false: the service saves events for monitors history (monPersistent).") var persistent: Bool?
    @Flag(help: "Print the monitor as JSON.") var json = false

    /// The topics, or a failure when `required` and none were given.
    func topicList(required: Bool) throws -> [String]? {
        guard let topics = self.topics else {
            if required { throw CommandFailure("--topics is required") }
            return nil
        }
        let list = splitTopics(topics)
        guard !list.isEmpty else { throw CommandFailure("--topics names no topic") }
        return list
    }

    /// The elements these options set.
    func definition(topicsRequired: Bool) throws -> MonitorDefinition {
        var schemaData: String?
        if let file = self.schemaFile {
            do {
                schemaData = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot read the template \(file): \(error.localizedDescription)")
            }
            if self.schemaType == nil { throw CommandFailure("--schema-file needs --schema-type (e.g. handlebars)") }
        }
        return MonitorDefinition(
            topics: try self.topicList(required: topicsRequired),
            format: self.format.map(MonitorFormat.init(rawValue:)),
            batchSize: self.batchSize,
            batchDuration: self.batchDuration.map { .seconds($0) },
            compression: self.compression.map(MonitorCompression.init(rawValue:)),
            description: self.description,
            schemaType: self.schemaType,
            schemaData: schemaData,
            persistent: self.persistent
        )
    }

    func report(_ record: MonitorRecord, verb: String) {
        print(self.json ? MonitorOutput.json(record) : "\(verb) monitor \(record.id)")
    }
}

/// Options of TCP monitors.
struct TCPMonitorArguments: ParsableArguments {
    @Option(help: "explicit or off (monAckOption).") var ack: String?
    @Option(help: "true or false: replay missed events on connect (monAutoReplayOnConnect).") var autoReplay: Bool?

    func apply(to definition: inout MonitorDefinition) {
        definition.acknowledgement = self.ack.map(MonitorAckOption.init(rawValue:))
        definition.autoReplayOnConnect = self.autoReplay
    }

    /// A new TCP monitor's definition: the common elements (topics required) and these.
    func newMonitor(_ common: CommonMonitorArguments) throws -> MonitorDefinition {
        var definition = try common.definition(topicsRequired: true)
        definition.transportType = .tcp
        self.apply(to: &definition)
        return definition
    }
}

/// Options of HTTP monitors. The token comes from `--token`, or (when creating) `DC_HTTP_TOKEN`.
struct HTTPMonitorArguments: ParsableArguments {
    @Option(name: .customLong("target"), help: "The URL the service sends blocks to (monTransportUrl).") var target: String?
    @Option(
        help: "user:password the service presents there (monTransportToken; env DC_HTTP_TOKEN, preferred: flags show in process lists).")
    var token: String?
    @Option(help: "PUT or POST.") var method: String?
    @Option(name: .customLong("header"), help: "An extra header \"Name: value\"; repeatable.") var headers: [String] = []
    @Option(help: "Connect timeout in milliseconds.") var connectTimeout: Int?
    @Option(help: "Response timeout in milliseconds.") var responseTimeout: Int?

    /// Sets the HTTP elements given; `creating` makes `--target` required and lets
    /// `DC_HTTP_TOKEN` stand in for `--token` (an update never picks a token up from the
    /// environment unasked).
    func apply(to definition: inout MonitorDefinition, creating: Bool) throws {
        let targetRequired = creating
        if let target = self.target {
            guard let url = URL(string: target), url.host != nil else { throw CommandFailure("invalid --target URL") }
            definition.transportURL = url.absoluteString
        } else if targetRequired {
            throw CommandFailure("--target is required")
        }
        if let text = self.token ?? (creating ? ProcessInfo.processInfo.environment["DC_HTTP_TOKEN"] : nil) {
            guard text.contains(":") else { throw CommandFailure("the token (--token or DC_HTTP_TOKEN) must be user:password") }
            definition.transportToken = text
        }
        definition.transportMethod = self.method.map { MonitorHTTPMethod(rawValue: $0.uppercased()) }
        if !self.headers.isEmpty {
            var fields: [String: String] = [:]
            for header in self.headers {
                guard let colon = header.firstIndex(of: ":") else { throw CommandFailure("--header must be \"Name: value\"") }
                fields[String(header[..<colon]).trimmingCharacters(in: .whitespaces)] =
                    String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            definition.transportHeaders = fields
        }
        definition.connectTimeout = self.connectTimeout.map { .milliseconds($0) }
        definition.responseTimeout = self.responseTimeout.map { .milliseconds($0) }
    }

    /// A new HTTP monitor's definition: the common elements (topics required) and these.
    func newMonitor(_ common: CommonMonitorArguments) throws -> MonitorDefinition {
        var definition = try common.definition(topicsRequired: true)
        definition.transportType = .http
        try self.apply(to: &definition, creating: true)
        return definition
    }
}
