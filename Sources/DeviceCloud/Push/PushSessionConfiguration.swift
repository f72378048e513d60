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
        /// The clock every timer runs on (handshake, idle, backoff, stable period); tests inject their own.
        public var clock: any Clock<Duration>
        /// After the handshake, a connection on which nothing at all is read for this long is
        /// treated as dropped and re-established (the service replays unacknowledged blocks).
        /// `nil` (the default) waits for ever: a quiet monitor is normal, and a dead peer is
        /// still found by ``keepalive``.
        public var idleTimeout: Duration?
        /// How long a connection must stay up before the reconnect attempt count starts afresh.
        /// Default 30 s: a service that accepts and drops again and again is backed off.
        public var stablePeriod: Duration
        /// What happens to a block that cannot be inflated or read. Default ``UndecodableBlockPolicy/fail``.
        public var undecodableBlocks: UndecodableBlockPolicy
        /// TCP keepalive probing, which finds a dead peer on a silent connection. `nil` turns it off.
        public var keepalive: TCPKeepalive?
        /// Whether blocks are split into events (``PushDecoding/events``, the default) or handed
        /// over as their inflated document only (``PushDecoding/raw``).
        public var decoding: PushDecoding

        // Written out: Swift synthesises no public memberwise initialiser.
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
            clock: any Clock<Duration> = ContinuousClock(),
            idleTimeout: Duration? = nil,
            stablePeriod: Duration = .seconds(30),
            undecodableBlocks: UndecodableBlockPolicy = .fail,
            keepalive: TCPKeepalive? = TCPKeepalive(),
            decoding: PushDecoding = .events
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
            self.idleTimeout = idleTimeout
            self.stablePeriod = stablePeriod
            self.undecodableBlocks = undecodableBlocks
            self.keepalive = keepalive
            self.decoding = decoding
        }
    }
}

/// How much of each block a push session reads.
public enum PushDecoding: Sendable, Hashable {
    /// Inflate the payload and split the document into `MonitorEvent`s (the default).
    case events
    /// Inflate the payload only: each `MonitorBatch` carries the document in
    /// `MonitorBatch/document` and no events, and the document scanner never runs. For
    /// forwarders that store or pass on bytes, and for templated monitors, whose payload is the
    /// user's rendered template rather than a `Document`.
    case raw
}

/// What a push session does with a block it cannot inflate or read.
public enum UndecodableBlockPolicy: Sendable, Hashable {
    /// End the stream with ``PushSessionError/Code/undecodableBlock`` naming the block; nothing is
    /// acknowledged, so the service keeps the block.
    case fail
    /// Hand the block to the consumer as a `MonitorBatch` whose `MonitorBatch/decodingError`
    /// is set, whose `MonitorBatch/events` is empty and whose `MonitorBatch/document` holds
    /// the payload (inflated where that worked). The consumer may store it and `acknowledge()` it
    /// to skip it; a block that is never acknowledged comes back after a reconnect.
    case deliver
}

/// TCP keepalive settings: after `idle` without traffic, probe every `interval`, and drop the
/// connection after `count` unanswered probes. The defaults find a dead peer within 2 minutes.
public struct TCPKeepalive: Sendable, Hashable {
    /// Silence before the first probe (`TCP_KEEPIDLE`). Default 60 s.
    public var idle: Duration
    /// Time between probes (`TCP_KEEPINTVL`). Default 10 s.
    public var interval: Duration
    /// Unanswered probes before the connection is dropped (`TCP_KEEPCNT`). Default 6.
    public var count: Int

    /// Creates keepalive settings.
    ///
    /// - Throws: `DeviceCloudProtocol/ConfigurationError` when a time is under one second or the count is not positive.
    public init(idle: Duration = .seconds(60), interval: Duration = .seconds(10), count: Int = 6) throws(ConfigurationError) {
        guard idle >= .seconds(1), interval >= .seconds(1), count > 0 else {
            throw ConfigurationError("keepalive needs idle and interval of at least 1 s and a positive count")
        }
        self.idle = idle
        self.interval = interval
        self.count = count
    }

    /// The default settings: probe after 60 s, every 10 s, 6 times.
    public init() {
        self.idle = .seconds(60)
        self.interval = .seconds(10)
        self.count = 6
    }
}
