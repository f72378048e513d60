public import DeviceCloudProtocol
public import Foundation
import NIOCore

/// The account's push monitors, managed through `/ws/Monitor`.
///
/// Every call throws ``DeviceCloudError`` (or `CancellationError` when its task is cancelled).
public struct Monitors: Sendable {
    let cloud: DeviceCloud

    private var webService: MonitorWebService { self.cloud.rest }

    /// Creates a TCP monitor, whose events this client receives over the push protocol.
    ///
    /// ```swift
    /// let monitor = try await cloud.monitors.createTCPMonitor(
    ///     topics: ["DataPoint[U]"],
    ///     options: TCPMonitorOptions(format: .json, acknowledgement: .explicit, autoReplay: true))
    /// ```
    ///
    /// - Parameters:
    ///   - topics: e.g. `["DataPoint[U]", "DeviceCore"]`.
    ///   - options: the other elements; those left `nil` get the service's defaults.
    /// - Returns: the monitor, with its record as the service now holds it.
    public func createTCPMonitor(topics: [String], options: TCPMonitorOptions = TCPMonitorOptions()) async throws -> TCPMonitor {
        TCPMonitor(record: try await self.createRecord(.tcp(topics: topics, options: options)), cloud: self.cloud)
    }

    /// Creates an HTTP monitor: the service sends each block to `url`.
    ///
    /// - Parameters:
    ///   - topics: e.g. `["DataPoint"]`.
    ///   - url: the customer server's URL (`http` or `https`).
    ///   - options: the other elements (token, method, headers, timeouts…); those left `nil` get
    ///     the service's defaults. The token's password and header values are never printed or
    ///     put in errors.
    public func createHTTPMonitor(topics: [String], url: URL, options: HTTPMonitorOptions = HTTPMonitorOptions()) async throws -> HTTPMonitor {
        HTTPMonitor(record: try await self.createRecord(.http(topics: topics, url: url, options: options)), cloud: self.cloud)
    }

    /// Creates a monitor from any definition.
    public func create(_ definition: MonitorDefinition) async throws -> any Monitor {
        makeMonitor(try await self.createRecord(definition), cloud: self.cloud)
    }

    /// One monitor, as an actor of its transport.
    ///
    /// - Throws: ``DeviceCloudError/Code/notFound`` when there is no such monitor.
    public func monitor(id: UInt32) async throws -> any Monitor {
        makeMonitor(try await self.record(id: id), cloud: self.cloud)
    }

    /// One monitor's record.
    ///
    /// - Throws: ``DeviceCloudError/Code/notFound`` when there is no such monitor.
    public func record(id: UInt32) async throws -> MonitorRecord {
        let answer = try await self.webService.send(.get, path: "Monitor/\(id)", accept: "application/json", monitorID: id)
        let page = try Self.readPage(answer, monitorID: id)
        guard let record = page.items.first(where: { $0.id == id }) ?? page.items.first else {
            throw DeviceCloudError(.notFound, message: "monitor \(id) does not exist", status: answer.status, monitorID: id)
        }
        return record
    }

    /// The monitors matching `condition` (all of them when `nil`), fetched a page at a time as
    /// the sequence is iterated.
    ///
    /// - Parameters:
    ///   - condition: e.g. `MonitorField.transportType == .tcp`.
    ///   - pageSize: monitors per request; ``DeviceCloud/Configuration/pageSize`` when `nil`.
    public func list(where condition: MonitorCondition? = nil, pageSize: Int? = nil) -> MonitorList {
        MonitorList(monitors: self, condition: condition, pageSize: max(1, pageSize ?? self.cloud.configuration.pageSize))
    }

    /// The first monitor (lowest id) whose topics are exactly `topics`, in order, or `nil`.
    public func find(topics: [String]) async throws -> (any Monitor)? {
        for try await monitor in self.list(where: MonitorField.topics == topics) where await monitor.record.topics == topics {
            return monitor
        }
        return nil
    }

    /// Changes the elements set in `changes` (`PUT`; the service resets the monitor's state)
    /// and returns the monitor's record as the service then holds it.
    public func update(id: UInt32, with changes: MonitorDefinition) async throws -> MonitorRecord {
        let body = try Self.document(changes, monitorID: id)
        _ = try await self.webService.send(
            .put,
            path: "Monitor/\(id)",
            body: body,
            monitorID: id,
            secrets: changes.secrets
        )
        return try await self.record(id: id)
    }

    /// Deletes a monitor.
    ///
    /// - Throws: ``DeviceCloudError/Code/notFound`` when there is no such monitor.
    public func delete(id: UInt32) async throws {
        _ = try await self.webService.send(.delete, path: "Monitor/\(id)", monitorID: id)
    }

    /// One page of the list, as the service answers it.
    func page(start: Int, size: Int, condition: MonitorCondition?) async throws -> MonitorListPage {
        var query: [(name: String, value: String)] = [("start", String(start)), ("size", String(size))]
        if let condition {
            query.append(("condition", condition.compiled))
        }
        let answer = try await self.webService.send(.get, path: "Monitor", query: query, accept: "application/json")
        return try Self.readPage(answer, monitorID: nil)
    }

    private func createRecord(_ definition: MonitorDefinition) async throws -> MonitorRecord {
        let body = try Self.document(definition, monitorID: nil)
        let answer = try await self.webService.send(
            .post,
            path: "Monitor",
            body: body,
            accept: "application/xml",
            secrets: definition.secrets
        )
        let created = try answer.read("the answer to the create (its monitor location)", monitorID: nil) { body throws(DeviceCloudProtocolError) in
            try MonitorCreationResult(xml: body)
        }
        return try await self.record(id: created.monitorID)
    }

    private static func document(_ definition: MonitorDefinition, monitorID: UInt32?) throws -> ByteBuffer {
        do {
            return try definition.xmlDocument()
        } catch {
            throw DeviceCloudError(
                .invalidArgument,
                message: "the monitor cannot be written: \(error.message)",
                monitorID: monitorID,
                attempts: 0,
                underlying: error
            )
        }
    }

    private static func readPage(_ answer: MonitorWebService.Answer, monitorID: UInt32?) throws -> MonitorListPage {
        let firstByte = answer.body.readableBytesView.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return try answer.read("the monitor list", monitorID: monitorID) { body throws(DeviceCloudProtocolError) in
            firstByte == UInt8(ascii: "<") ? try MonitorListPage(xml: body) : try MonitorListPage(json: body)
        }
    }
}

extension MonitorDefinition {
    /// Values sent in a document that must not come back in an error.
    var secrets: [String] {
        monitorSecrets(transportToken: self.transportToken, headerValues: (self.transportHeaders ?? [:]).values)
    }
}
