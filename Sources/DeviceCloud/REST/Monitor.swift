public import DeviceCloudProtocol

/// A monitor of the account, as an actor holding its latest known record.
///
/// ``Monitors`` hands out a ``TCPMonitor`` (which offers the push event stream), an
/// ``HTTPMonitor``, or an ``OtherMonitor`` for transports this library does not drive.
/// Narrow with a cast: `if let tcp = monitor as? TCPMonitor { … }`.
public protocol Monitor: Actor {
    /// `monId`.
    nonisolated var id: UInt32 { get }
    /// The monitor as last read from the service (at creation, listing, ``refresh()`` or update).
    var record: MonitorRecord { get }
    /// Reads the monitor again and returns the fresh record.
    ///
    /// - Throws: ``DeviceCloudError`` (``DeviceCloudError/Code/notFound`` once deleted).
    @discardableResult
    func refresh() async throws -> MonitorRecord
    /// Replaces the elements set in `changes` (`PUT`; the service resets the monitor's state),
    /// then reads the monitor again.
    ///
    /// - Throws: ``DeviceCloudError``.
    func update(_ changes: MonitorDefinition) async throws
    /// Deletes the monitor from the account.
    ///
    /// - Throws: ``DeviceCloudError``.
    func delete() async throws
    /// Resets the monitor through the v1 API (`/ws/v1/monitors/inventory/{id}/reset`): a
    /// `DISABLED` monitor is enabled again and its state starts over; then reads it again.
    ///
    /// - Throws: ``DeviceCloudError``.
    func reset() async throws
}

/// The actor for a record: TCP, HTTP, or other.
func makeMonitor(_ record: MonitorRecord, cloud: DeviceCloud) -> any Monitor {
    switch record.transportType {
    case .tcp: TCPMonitor(record: record, cloud: cloud)
    case .http: HTTPMonitor(record: record, cloud: cloud)
    default: OtherMonitor(record: record, cloud: cloud)
    }
}
