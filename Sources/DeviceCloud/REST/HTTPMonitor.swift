public import DeviceCloudProtocol
public import Foundation

/// A monitor the service delivers by HTTP to a customer URL (`monTransportType` http).
///
/// Its events arrive at that URL, not through this client: it has no event stream.
public actor HTTPMonitor: Monitor {
    /// `monId`.
    public nonisolated let id: UInt32
    /// The monitor as last read from the service.
    public private(set) var record: MonitorRecord

    private let cloud: DeviceCloud

    init(record: MonitorRecord, cloud: DeviceCloud) {
        self.id = record.id
        self.record = record
        self.cloud = cloud
    }

    /// Reads the monitor again and returns the fresh record.
    ///
    /// - Throws: ``DeviceCloudError`` (``DeviceCloudError/Code/notFound`` once deleted).
    @discardableResult
    public func refresh() async throws -> MonitorRecord {
        self.record = try await self.cloud.monitors.record(id: self.id)
        return self.record
    }

    /// Changes the elements given (`nil` leaves one as it is), then reads the monitor again.
    /// The service resets the monitor's state on any update.
    ///
    /// - Throws: ``DeviceCloudError``.
    public func update(
        topics: [String]? = nil,
        url: URL? = nil,
        token: Credentials? = nil,
        method: MonitorHTTPMethod? = nil,
        headers: [String: String]? = nil,
        connectTimeout: Duration? = nil,
        responseTimeout: Duration? = nil,
        batchSize: Int? = nil,
        batchDuration: Duration? = nil,
        compression: MonitorCompression? = nil,
        format: MonitorFormat? = nil,
        description: String? = nil,
        schemaType: String? = nil,
        schemaData: String? = nil
    ) async throws {
        try await self.update(
            .http(
                topics: topics,
                url: url,
                token: token,
                method: method,
                headers: headers,
                connectTimeout: connectTimeout,
                responseTimeout: responseTimeout,
                batchSize: batchSize,
                batchDuration: batchDuration,
                compression: compression,
                format: format,
                description: description,
                schemaType: schemaType,
                schemaData: schemaData
            )
        )
    }

    /// Replaces the elements set in `changes` (`PUT`; the service resets the monitor's state), then reads the monitor again.
    ///
    /// - Throws: ``DeviceCloudError``.
    public func update(_ changes: MonitorDefinition) async throws {
        self.record = try await self.cloud.monitors.update(id: self.id, with: changes)
    }

    /// Deletes the monitor from the account.
    ///
    /// - Throws: ``DeviceCloudError`` (``DeviceCloudError/Code/notFound`` when already gone).
    public func delete() async throws {
        try await self.cloud.monitors.delete(id: self.id)
    }

    /// Resets the monitor through the v1 API (`/ws/v1/monitors/inventory/{id}/reset`): a
    /// `DISABLED` monitor is enabled again and its state starts over; then reads it again.
    ///
    /// - Throws: ``DeviceCloudError``.
    public func reset() async throws {
        try await self.cloud.monitors.reset(id: self.id)
        self.record = try await self.cloud.monitors.record(id: self.id)
    }
}
