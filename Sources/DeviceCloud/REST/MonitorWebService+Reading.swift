import DeviceCloudProtocol
import NIOCore

extension MonitorWebService.Answer {
    /// Reads the body with `read`. A body that does not fit becomes
    /// ``DeviceCloudError/Code/invalidResponse`` naming `what`, with the protocol error underneath.
    func read<Value>(
        _ what: String,
        monitorID: UInt32?,
        _ read: (ByteBuffer) throws(DeviceCloudProtocolError) -> Value
    ) throws(DeviceCloudError) -> Value {
        do {
            return try read(self.body)
        } catch {
            throw DeviceCloudError(
                .invalidResponse,
                message: "\(what) could not be read: \(error.message)",
                status: self.status,
                monitorID: monitorID,
                underlying: error
            )
        }
    }
}

/// The values a monitor document carries that must not come back in an error: the transport
/// token, its password part on its own (the service may echo either), and the header values.
func monitorSecrets(transportToken: String?, headerValues: some Sequence<String>) -> [String] {
    var secrets: [String] = []
    if let token = transportToken {
        secrets.append(token)
        if let colon = token.firstIndex(of: ":") {
            secrets.append(String(token[token.index(after: colon)...]))
        }
    }
    secrets.append(contentsOf: headerValues)
    return secrets
}
