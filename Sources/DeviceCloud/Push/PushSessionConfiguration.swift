public import DeviceCloudProtocol

extension PushSession {
    /// Everything a push session needs to reach one monitor.
    public struct Configuration: Sendable {
        /// The push service host.
        public var host: String
        /// The push port: 3201 for TLS, 3200 for plain TCP on the service.
        public var port: Int
        /// TLS (default) or plain TCP.
        public var transport: PushTransport
        /// The account. The password is never logged or printed.
        public var credentials: Credentials
        /// The monitor to receive from.
        public var monitorID: UInt32
        /// Must match the monitor's `monAckOption`.
        public var acknowledgement: AcknowledgementMode
        /// How long to wait for the ConnectResponse. Default 60 s, as the reference client.
        public var handshakeTimeout: Duration
        /// How long a TCP connect may take. Default 10 s.
        public var connectTimeout: Duration
        /// How dropped connections are re-established.
        public var reconnect: ReconnectPolicy
        /// Caps on frame size, inflated size and events per batch.
        public var limits: PushLimits
        /// The clock backoff delays are measured on; tests can inject their own.
        public var clock: any Clock<Duration>

        /// Creates a configuration. TLS on port 3201 unless told otherwise.
        public init(
            host: String,
            port: Int? = nil,
            transport: PushTransport = .tls,
            credentials: Credentials,
            monitorID: UInt32,
            acknowledgement: AcknowledgementMode = .explicit,
            handshakeTimeout: Duration = .seconds(60),
            connectTimeout: Duration = .seconds(10),
            reconnect: ReconnectPolicy = .default,
            limits: PushLimits = .default,
            clock: any Clock<Duration> = ContinuousClock()
        ) {
            self.host = host
            if let port {
                self.port = port
            } else if case .plain = transport {
                self.port = 3200
            } else {
                self.port = 3201
            }
            self.transport = transport
            self.credentials = credentials
            self.monitorID = monitorID
            self.acknowledgement = acknowledgement
            self.handshakeTimeout = handshakeTimeout
            self.connectTimeout = connectTimeout
            self.reconnect = reconnect
            self.limits = limits
            self.clock = clock
        }
    }
}
