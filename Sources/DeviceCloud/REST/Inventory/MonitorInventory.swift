public import DeviceCloudProtocol
import Foundation
import NIOCore

/// The account's monitors through the JSON v1 web service, `/ws/v1/monitors/inventory`, beside
/// the `/ws/Monitor` API of ``Monitors``.
///
/// ```swift
/// for try await monitor in cloud.monitors.inventory.list(query: "type='http'", orderBy: "id desc") {
///     print(monitor.id ?? 0, monitor.status ?? .inactive)
/// }
/// let created = try await cloud.monitors.inventory.create(
///     InventoryMonitor(type: .tcp, topics: ["DataPoint"], persistent: true))
/// ```
///
/// Fields use the v1 names (`InventoryMonitor`). The service never echoes `auth_token` and
/// shows header names only. Every call throws ``DeviceCloudError``.
public struct MonitorInventory: Sendable {
    let cloud: DeviceCloud

    private var rest: MonitorWebService { self.cloud.rest }

    /// The monitors matching `query`, in `orderBy` order, fetched a page at a time as the
    /// sequence is iterated (following each page's `cursor`).
    ///
    /// - Parameters:
    ///   - query: the service's query, e.g. `type='tcp' and topics like 'DataPoint%'`.
    ///   - orderBy: a field, optionally with `asc` or `desc`, e.g. `id desc`.
    ///   - pageSize: monitors per request; ``DeviceCloud/Configuration/pageSize`` when `nil`.
    public func list(query: String? = nil, orderBy: String? = nil, pageSize: Int? = nil) -> InventoryList {
        InventoryList(
            inventory: self,
            query: query,
            orderBy: orderBy,
            pageSize: max(1, pageSize ?? self.cloud.configuration.pageSize)
        )
    }

    /// One monitor.
    ///
    /// - Throws: ``DeviceCloudError/Code/notFound`` when there is no such monitor.
    public func monitor(id: UInt32) async throws -> InventoryMonitor {
        let answer = try await self.rest.send(.get, path: "v1/monitors/inventory/\(id)", accept: "application/json", monitorID: id)
        return try Self.readMonitor(answer, monitorID: id)
    }

    /// Creates a monitor from the fields set, and returns it as the service answers.
    public func create(_ monitor: InventoryMonitor) async throws -> InventoryMonitor {
        let answer = try await self.send(monitor, .post, path: "v1/monitors/inventory", monitorID: nil)
        return try Self.readMonitor(answer, monitorID: nil)
    }

    /// Changes the fields set in `changes` and returns the monitor as the service answers.
    public func update(id: UInt32, with changes: InventoryMonitor) async throws -> InventoryMonitor {
        var changes = changes
        changes.id = nil
        let answer = try await self.send(changes, .put, path: "v1/monitors/inventory/\(id)", monitorID: id)
        if answer.body.readableBytes == 0 { return try await self.monitor(id: id) }
        return try Self.readMonitor(answer, monitorID: id)
    }

    /// Deletes a monitor.
    ///
    /// - Throws: ``DeviceCloudError/Code/notFound`` when there is no such monitor.
    public func delete(id: UInt32) async throws {
        _ = try await self.rest.send(.delete, path: "v1/monitors/inventory/\(id)", accept: "application/json", monitorID: id)
    }

    /// Resets a monitor (`POST /ws/v1/monitors/inventory/{id}/reset`): a `DISABLED` monitor is
    /// enabled again and its state starts over.
    ///
    /// - Throws: ``DeviceCloudError/Code/notFound`` when there is no such monitor.
    public func reset(id: UInt32) async throws {
        _ = try await self.rest.send(.post, path: "v1/monitors/inventory/\(id)/reset", accept: "application/json", monitorID: id)
    }

    /// One page of the list.
    func page(query: String?, orderBy: String?, size: Int, cursor: String?) async throws -> V1ListPage {
        var parameters: [(name: String, value: String)] = [("size", String(size))]
        if let query { parameters.append(("query", query)) }
        if let orderBy { parameters.append(("orderby", orderBy)) }
        if let cursor { parameters.append(("cursor", cursor)) }
        let answer = try await self.rest.send(.get, path: "v1/monitors/inventory", query: parameters, accept: "application/json")
        return try Self.readPage(answer, monitorID: nil)
    }

    /// Sends `monitor` as a JSON document, keeping its token and header values out of errors.
    private func send(
        _ monitor: InventoryMonitor,
        _ method: MonitorWebService.Method,
        path: String,
        monitorID: UInt32?
    ) async throws -> MonitorWebService.Answer {
        try await self.rest.send(
            method,
            path: path,
            body: ByteBuffer(bytes: monitor.jsonDocument()),
            contentType: "application/json",
            accept: "application/json",
            monitorID: monitorID,
            secrets: monitor.secrets
        )
    }

    static func readPage(_ answer: MonitorWebService.Answer, monitorID: UInt32?) throws -> V1ListPage {
        try answer.read("the v1 list", monitorID: monitorID) { body throws(DeviceCloudProtocolError) in
            try V1ListPage(json: Data(body.readableBytesView))
        }
    }

    private static func readMonitor(_ answer: MonitorWebService.Answer, monitorID: UInt32?) throws -> InventoryMonitor {
        try answer.read("the v1 monitor", monitorID: monitorID) { body throws(DeviceCloudProtocolError) in
            try InventoryMonitor(json: Data(body.readableBytesView))
        }
    }
}

extension InventoryMonitor {
    /// Values sent that must not come back in an error.
    var secrets: [String] {
        monitorSecrets(transportToken: self.authToken, headerValues: (self.headers ?? [:]).values)
    }
}

extension Monitors {
    /// The v1 JSON API, `/ws/v1/monitors/inventory`.
    public var inventory: MonitorInventory { MonitorInventory(cloud: self.cloud) }

    /// Resets a monitor through the v1 API (see ``MonitorInventory/reset(id:)``).
    public func reset(id: UInt32) async throws {
        try await self.inventory.reset(id: id)
    }
}
