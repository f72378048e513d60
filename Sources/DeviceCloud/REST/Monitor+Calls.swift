import DeviceCloudProtocol

/// What the three monitor actors share: their client and a place to keep the latest record.
/// The calls every monitor answers (``Monitor/refresh()``, ``Monitor/update(_:)``,
/// ``Monitor/delete()``, ``Monitor/reset()``) are written once, below.
protocol RecordKeepingMonitor: Monitor {
    /// The client the monitor was read with.
    var cloud: DeviceCloud { get }
    /// Replaces the record with one just read from the service.
    func keep(_ record: MonitorRecord)
}

extension RecordKeepingMonitor {
    /// Reads the monitor again and returns the fresh record.
    ///
    /// - Throws: ``DeviceCloudError`` (``DeviceCloudError/Code/notFound`` once deleted).
    @discardableResult
    public func refresh() async throws -> MonitorRecord {
        let record = try await self.cloud.monitors.record(id: self.id)
        self.keep(record)
        return record
    }

    /// Replaces the elements set in `changes` (`PUT`; the service resets the monitor's state),
    /// then reads the monitor again.
    ///
    /// - Throws: ``DeviceCloudError``.
    public func update(_ changes: MonitorDefinition) async throws {
        self.keep(try await self.cloud.monitors.update(id: self.id, with: changes))
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
        self.keep(try await self.cloud.monitors.record(id: self.id))
    }
}
