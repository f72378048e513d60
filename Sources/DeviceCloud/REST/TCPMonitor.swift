public import DeviceCloudProtocol

/// A monitor whose events the client receives over the push protocol (`monTransportType` tcp).
///
/// ```swift
/// for try await batch in await monitor.events() {
///     for event in batch.events { print(event.topic) }
///     await batch.acknowledge()
/// }
/// ```
public actor TCPMonitor: RecordKeepingMonitor {
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

    /// The acknowledgement mode push sessions use, from the record's `monAckOption`: off only
    /// for `off`; explicit for `explicit`, for a value this library does not know, and when the
    /// option is missing. Acknowledging a monitor whose acks are off is harmless; not
    /// acknowledging one whose acks are on would lose the replay guarantee.
    public var acknowledgement: AcknowledgementMode {
        AcknowledgementMode(self.record.acknowledgement)
    }

    /// A new push session for this monitor, configured from the cloud (host, port, transport,
    /// push credentials, reconnect policy) and the monitor's acknowledgement option. Each call
    /// makes a new one.
    ///
    /// - Throws: ``PushSessionError/Code/authenticationFailed`` when the cloud has an API key
    ///   and no push credentials: the push protocol logs in with a user name and a password only.
    public func makePushSession() throws(PushSessionError) -> PushSession {
        var configuration = try self.cloud.pushSessionConfiguration(monitorID: self.id, acknowledgement: self.acknowledgement)
        configuration.decoding = self.decoding
        return PushSession(configuration: configuration, eventLoopGroup: self.cloud.configuration.pushEventLoopGroup)
    }

    /// How this monitor's push sessions read blocks: ``PushDecoding/raw`` for a templated
    /// monitor (`monSchemaType` set: its payloads are the user's template, not a `Document`),
    /// ``PushDecoding/events`` otherwise.
    public var decoding: PushDecoding {
        self.record.definition.isTemplated ? .raw : .events
    }

    /// The monitor's batches, pulled on demand, over a new push session. A templated monitor's
    /// batches carry the rendered payload in `MonitorBatch/document` and no events (see
    /// ``decoding``).
    ///
    /// See ``PushSession/events()``: cancelling the consuming task or dropping the stream closes
    /// the connection; bad credentials or a refused monitor end it with a ``PushSessionError``.
    public func events() -> AsyncThrowingStream<MonitorBatch, any Error> {
        do {
            return try self.makePushSession().events()
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// Opens a new push session, hands its stream to `body`, and closes everything when `body`
    /// returns or throws. Connects first, so bad credentials or a refused monitor throw here.
    nonisolated(nonsending) public func withEvents<Result>(
        _ body: (AsyncThrowingStream<MonitorBatch, any Error>) async throws -> Result
    ) async throws -> Result {
        let session = try await self.makePushSession()
        return try await session.withEvents(body)
    }

    /// Changes `topics` (when given) and the options set (`nil` leaves an element as it is), then
    /// reads the monitor again. The service resets the monitor's state on any update.
    ///
    /// - Throws: ``DeviceCloudError``.
    public func update(topics: [String]? = nil, options: TCPMonitorOptions = TCPMonitorOptions()) async throws {
        try await self.update(.tcp(topics: topics, options: options))
    }

    func keep(_ record: MonitorRecord) {
        self.record = record
    }
}
