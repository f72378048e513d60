import DeviceCloudProtocol
import Foundation

/// Where and how an HTTP monitor's blocks go, read from its record once per deliverer (an
/// update starts a new deliverer).
///
/// Holds the transport token and header values: printing or dumping it shows neither (nor the
/// URL, which may carry credentials), and nothing logs it.
struct HTTPDeliveryTarget: Sendable, CustomStringConvertible, CustomReflectable {
    /// The service's default for a zero or absent `monConnectTimeout`/`monResponseTimeout`.
    static let defaultTimeout = Duration.milliseconds(5_000)
    /// Headers a monitor's `monTransportHeaders` cannot set: the simulator frames the request.
    static let reservedHeaders: Set<String> = ["content-length", "transfer-encoding", "host", "connection", "content-type"]

    /// `monTransportUrl`.
    let url: String
    /// `monTransportMethod`: POST, or PUT (the default).
    let usesPOST: Bool
    /// The header fields to send, in order: `Content-Type`, `Authorization` when a token is set,
    /// then the monitor's extra headers (sorted by name) except the reserved ones, and
    /// `Authorization` too when the token supplies it.
    let headers: [(name: String, value: String)]
    /// `monConnectTimeout`, 5 s when zero.
    let connectTimeout: Duration
    /// `monResponseTimeout`, 5 s when zero.
    let responseTimeout: Duration

    init?(record: MonitorRecord) {
        guard let url = record.transportURL, !url.isEmpty else { return nil }
        self.url = url
        self.usesPOST = record.transportMethod == .post
        let contentType = record.format == .json ? "application/json" : "application/xml"
        var headers: [(name: String, value: String)] = [("Content-Type", contentType)]
        var reserved = Self.reservedHeaders
        if let token = record.transportToken, !token.isEmpty {
            headers.append(("Authorization", "Basic " + Data(token.utf8).base64EncodedString()))
            reserved.insert("authorization")
        }
        for (name, value) in (record.transportHeaders ?? [:]).sorted(by: { $0.key < $1.key })
        where !reserved.contains(name.lowercased()) {
            headers.append((name, value))
        }
        self.headers = headers
        self.connectTimeout = Self.timeout(record.connectTimeout)
        self.responseTimeout = Self.timeout(record.responseTimeout)
    }

    /// The method and header names only.
    var description: String {
        "HTTPDeliveryTarget(\(self.usesPOST ? "POST" : "PUT"), headers: \(self.headers.map(\.name)))"
    }

    /// The method, header names and timeouts only.
    var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": self.usesPOST ? "POST" : "PUT",
                "headers": self.headers.map(\.name),
                "connectTimeout": self.connectTimeout,
                "responseTimeout": self.responseTimeout,
            ],
            displayStyle: .struct
        )
    }

    private static func timeout(_ value: Duration?) -> Duration {
        guard let value, value > .zero else { return Self.defaultTimeout }
        return value
    }
}
