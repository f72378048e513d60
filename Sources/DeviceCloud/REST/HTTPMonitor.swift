public import DeviceCloudProtocol
public import Foundation

/// A monitor the service delivers by HTTP to a customer URL (`monTransportType` http).
///
/// Its events arrive at that URL, not through this client: it has no event stream.
public actor HTTPMonitor: RecordKeepingMonitor {
    // The state every monitor actor keeps (actors cannot inherit it); the calls on it are
    // written once, in Monitor+Calls.swift.

    /// `monId`.
    public nonisolated let id: UInt32
    /// The monitor as last read from the service.
    public private(set) var record: MonitorRecord

    let cloud: DeviceCloud

    init(record: MonitorRecord, cloud: DeviceCloud) {
        self.id = record.id
        self.record = record
        self.cloud = cloud
    }

    /// Changes `topics` and `url` (when given) and the options set (`nil` leaves an element as
    /// it is), then reads the monitor again. The service resets the monitor's state on any update.
    ///
    /// - Throws: ``DeviceCloudError``.
    public func update(topics: [String]? = nil, url: URL? = nil, options: HTTPMonitorOptions = HTTPMonitorOptions()) async throws {
        try await self.update(.http(topics: topics, url: url, options: options))
    }

    func keep(_ record: MonitorRecord) {
        self.record = record
    }
}
