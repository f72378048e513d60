public import DeviceCloud
public import DeviceCloudProtocol
public import NIOSSL

extension HTTPReceiver {
    /// Where a receiver listens, whom it admits, and the limits it defends.
    public struct Configuration: Sendable {
        /// The address to listen on; loopback by default.
        public var host: String
        /// The port; 0 lets the system pick one (read it from ``HTTPReceiver/port``).
        public var port: Int
        /// The path the monitor's `monTransportUrl` names, e.g. `/push`. PUT and POST are accepted.
        public var path: String
        /// The monitor's transport token (`monTransportToken`, `username:password`), checked with
        /// HTTP basic authentication; `nil` admits every request (only for a monitor without a token).
        public var token: Credentials?
        /// A shared secret a delivery may present in a header instead of the token, or `nil`.
        /// With both set, either admits; with neither, every request is admitted.
        public var headerSecret: HeaderSecret?
        /// ``AcknowledgementMode/explicit``: a delivery is answered 200 once the consumer called
        /// ``MonitorBatch/acknowledge()``. ``AcknowledgementMode/off``: once the consumer took the batch.
        public var acknowledgement: AcknowledgementMode
        /// The ``MonitorBatch/monitorID`` of every batch: an HTTP delivery does not name its monitor.
        public var monitorID: UInt32
        /// TLS settings for HTTPS, or `nil` for plain HTTP (see ``serverTLS(certificateChainFile:privateKeyFile:)``).
        public var tls: TLSConfiguration?
        /// The largest request body accepted (413 beyond it).
        public var maximumBodySize: Int
        /// Caps on the inflated size and the number of events of a delivery (413 beyond them).
        public var limits: PushLimits
        /// How long a delivery waits for the consumer to take it (and to acknowledge it, in
        /// explicit mode) before it is answered 503 and the service retries. Keep it below the
        /// monitor's `monResponseTimeout` (5 s by default).
        public var handoffTimeout: Duration
        /// How many deliveries may be in progress at once; more are answered 503 at once.
        /// Memory stays below about this many times (``maximumBodySize`` plus the inflated size).
        public var maximumWaitingRequests: Int

        /// Creates a configuration. `maximumBodySize` and `maximumWaitingRequests` must be positive.
        ///
        /// - Parameters:
        ///   - host: The address to listen on.
        ///   - port: The port, 0 for one the system picks.
        ///   - path: The delivery path.
        ///   - token: The monitor's transport token, or `nil` to admit every request.
        ///   - acknowledgement: When a delivery is answered 200.
        ///   - monitorID: The monitor id given to every batch.
        ///   - tls: TLS settings, or `nil` for plain HTTP.
        ///   - maximumBodySize: The largest body accepted; default 16 MiB.
        ///   - limits: Caps on inflated size and events.
        ///   - handoffTimeout: The wait for the consumer; default 4 s.
        ///   - maximumWaitingRequests: Deliveries in progress at once; default 16.
        ///   - headerSecret: A shared secret accepted in a header, or `nil`.
        /// - Throws: ``DeviceCloudProtocol/ConfigurationError`` when a size or count is not positive.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            path: String = "/push",
            token: Credentials?,
            acknowledgement: AcknowledgementMode = .explicit,
            monitorID: UInt32 = 0,
            tls: TLSConfiguration? = nil,
            maximumBodySize: Int = 16 << 20,
            limits: PushLimits = .default,
            handoffTimeout: Duration = .seconds(4),
            maximumWaitingRequests: Int = 16,
            headerSecret: HeaderSecret? = nil
        ) throws(ConfigurationError) {
            guard maximumBodySize > 0, maximumWaitingRequests > 0 else {
                throw ConfigurationError("maximumBodySize and maximumWaitingRequests must be positive")
            }
            guard handoffTimeout > .zero else { throw ConfigurationError("handoffTimeout must be positive") }
            self.host = host
            self.port = port
            self.path = path
            self.token = token
            self.acknowledgement = acknowledgement
            self.monitorID = monitorID
            self.tls = tls
            self.maximumBodySize = maximumBodySize
            self.limits = limits
            self.handoffTimeout = handoffTimeout
            self.maximumWaitingRequests = maximumWaitingRequests
            self.headerSecret = headerSecret
        }

        /// TLS settings from PEM files: a certificate chain (the server's certificate first)
        /// and its private key.
        ///
        /// - Throws: the NIOSSL error when a file cannot be read or parsed.
        public static func serverTLS(certificateChainFile: String, privateKeyFile: String) throws -> TLSConfiguration {
            TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificateChainFile).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem))
            )
        }
    }
}
