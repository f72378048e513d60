public import DeviceCloudProtocol

/// A change inside the simulated service that monitors may be told about.
public struct RaisedEvent: Sendable, Hashable {
    /// The resource type, e.g. `DataPoint` or `DeviceCore`.
    public var resourceType: String
    /// The path after the resource in the event's topic, e.g. a stream id.
    public var path: String
    /// What happened.
    public var operation: MonitorEvent.Operation
    /// The resource's fields as published.
    public var resource: ResourceValue
    /// ISO-8601 UTC time of the event.
    public var timestamp: String

    /// Creates an event.
    public init(resourceType: String, path: String, operation: MonitorEvent.Operation, resource: ResourceValue, timestamp: String) {
        self.resourceType = resourceType
        self.path = path
        self.operation = operation
        self.resource = resource
        self.timestamp = timestamp
    }

    /// The document event for an account: topic `{cstId}/{Resource}/{path}`.
    public func documentEvent(customerID: Int) -> DocumentWriter.Event {
        let topic = self.path.isEmpty
            ? "\(customerID)/\(self.resourceType)" : "\(customerID)/\(self.resourceType)/\(self.path)"
        return DocumentWriter.Event(
            topic: topic,
            operation: self.operation,
            timestamp: self.timestamp,
            resourceType: self.resourceType,
            resource: self.resource
        )
    }
}
