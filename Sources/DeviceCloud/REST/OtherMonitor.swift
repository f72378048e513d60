public import DeviceCloudProtocol

/// A monitor of a transport this library does not drive (polling, or one added later); its
/// record keeps the transport as sent.
public actor OtherMonitor: RecordKeepingMonitor {
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

    func keep(_ record: MonitorRecord) {
        self.record = record
    }
}
