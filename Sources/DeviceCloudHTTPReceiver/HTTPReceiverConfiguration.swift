public import DeviceCloudProtocol
public import NIOSSL

extension HTTPReceiver {
    /// Where a receiver listens, whom it admits, and the limits it defends.
    public struct Configuration: Sendable {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
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
        /// `AcknowledgementMode/explicit`: a delivery is answered 200 once the consumer called
        /// `MonitorBatch/acknowledge()`. `AcknowledgementMode/off`: once the consumer took the batch.
        public var acknowledgement: AcknowledgementMode
        /// The `MonitorBatch/monitorID` of every batch: an HTTP delivery does not name its monitor.
        public var monitorID: UInt32
        /// TLS settings for HTTPS, or `nil` for plain HTTP (see ``serverTLS(certificateChainFile:privateKeyFile:)``).
        public var tls: TLSConfiguration?
        /// The largest request body accepted (413 beyond it).
        public var maximumBodySize: Int
        /// Caps on the inflated size and the number of events of a delivery (413 beyond them).
        public var limits: PushLimits
        /// How long a delivery has, counted from the arrival of its request head, until it is
        /// answered: its body must arrive and the consumer must take it (and acknowledge it, in
        /// explicit mode) within this time, or it is answered 503 and the service retries. Keep
        /// it below the monitor's `monResponseTimeout` (5 s by default).
        public var handoffTimeout: Duration
        /// How many decoded deliveries may wait for the consumer at once; more are answered 503
        /// at once. A delivery takes its place only once its body has arrived, so slow senders
        /// never hold these places.
        public var maximumWaitingRequests: Int
        /// How many request bodies may be read at once; more are answered 503 before their body
        /// is read. Memory for deliveries stays below about
        /// (``maximumConcurrentReads`` + ``maximumWaitingRequests``) × (``maximumBodySize``
        /// plus the inflated size).
        public var maximumConcurrentReads: Int
        /// How many connections may be open at once; a connection beyond it is closed as soon
        /// as it is accepted (the service retries the delivery).
        public var maximumConnections: Int
        /// How long a connection may stay without a request in progress: after it opened or
        /// after the last response, a complete request head must arrive within this time, or
        /// the connection is closed. Also the longest pause allowed between two pieces of a body.
        public var idleTimeout: Duration
        /// A whole-request read deadline: every request's body must have arrived completely
        /// within this time of the arrival of its head, or the connection is closed (the cut
        /// for a body trickled in too slowly). Not a per-byte rate: a 16 MiB body with the
        /// default needs about 1.6 MiB/s. Deliveries are also bounded by ``handoffTimeout``.
        public var requestReadTimeout: Duration
        /// How long a TLS handshake may take from the moment the connection opened; the
        /// connection is closed when it has not completed by then. Only used with ``tls``.
        public var tlsHandshakeTimeout: Duration

        // Written out: Swift synthesises no public memberwise initialiser.
        /// Creates a configuration. Every size, count and time must be positive.
        ///
        /// The defaults are meant for a receiver exposed to the internet: they bound what a slow
        /// or hostile client can hold (connections, bodies being read, time) well above what
        /// the service's deliveries need.
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
        ///   - handoffTimeout: The time from a request's arrival until it must be answered; default 4 s.
        ///   - maximumWaitingRequests: Decoded deliveries waiting for the consumer at once; default 16.
        ///   - headerSecret: A shared secret accepted in a header, or `nil`.
        ///   - maximumConcurrentReads: Request bodies read at once; default 32.
        ///   - maximumConnections: Connections open at once; default 256.
        ///   - idleTimeout: How long a connection may wait for a request; default 30 s.
        ///   - requestReadTimeout: The deadline for a whole request body, from its head; default 10 s.
        ///   - tlsHandshakeTimeout: The deadline for a TLS handshake; default 10 s.
        /// - Throws: `DeviceCloudProtocol/ConfigurationError` when a size, count or time is not positive.
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
            headerSecret: HeaderSecret? = nil,
            maximumConcurrentReads: Int = 32,
            maximumConnections: Int = 256,
            idleTimeout: Duration = .seconds(30),
            requestReadTimeout: Duration = .seconds(10),
            tlsHandshakeTimeout: Duration = .seconds(10)
        ) throws(ConfigurationError) {
            guard maximumBodySize > 0, maximumWaitingRequests > 0 else {
                throw ConfigurationError("maximumBodySize and maximumWaitingRequests must be positive")
            }
            guard maximumConcurrentReads > 0 else {
                throw ConfigurationError("maximumConcurrentReads must be positive, not \(maximumConcurrentReads)")
            }
            guard maximumConnections > 0 else {
                throw ConfigurationError("maximumConnections must be positive, not \(maximumConnections)")
            }
            for (name, value) in [
                ("handoffTimeout", handoffTimeout), ("idleTimeout", idleTimeout),
                ("requestReadTimeout", requestReadTimeout), ("tlsHandshakeTimeout", tlsHandshakeTimeout),
            ] where value <= .zero {
                throw ConfigurationError("\(name) must be positive, not \(value)")
            }
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
            self.maximumConcurrentReads = maximumConcurrentReads
            self.maximumConnections = maximumConnections
            self.idleTimeout = idleTimeout
            self.requestReadTimeout = requestReadTimeout
            self.tlsHandshakeTimeout = tlsHandshakeTimeout
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
