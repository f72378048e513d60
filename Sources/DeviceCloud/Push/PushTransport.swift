public import NIOSSL

/// How a push session reaches the service: TLS (the default) or plain TCP.
public enum PushTransport: Sendable {
    /// TLS with certificate and host name verification.
    case tls(PushTLSOptions)
    /// Plain TCP. The service offers it for debugging only; credentials travel in clear text.
    case plain

    /// TLS against the system's trust roots.
    public static var tls: PushTransport { .tls(PushTLSOptions()) }
}

/// Trust and verification settings of a TLS push connection. TLS 1.2 is the oldest version offered.
public struct PushTLSOptions: Sendable {
    /// Where trusted root certificates come from.
    public enum TrustRoots: Sendable {
        /// The system's default trust store.
        case system
        /// Only these certificates (for a private CA or the simulator's).
        case certificates([NIOSSLCertificate])
        /// The system's store plus these certificates.
        case systemAnd([NIOSSLCertificate])
    }

    /// The trusted roots; the system's by default.
    public var trustRoots: TrustRoots
    /// The name to verify the server's certificate against (and send as SNI) instead of the host
    /// connected to. `nil` uses the host; an IP address host is checked against the certificate's IP names.
    public var serverHostname: String?
    /// Turns certificate verification off entirely. Only for tests against throwaway servers:
    /// anyone on the path can then read the credentials.
    public var disablesCertificateVerification: Bool

    /// Creates TLS options; by default the system's roots with full verification.
    public init(trustRoots: TrustRoots = .system, serverHostname: String? = nil, disablesCertificateVerification: Bool = false) {
        self.trustRoots = trustRoots
        self.serverHostname = serverHostname
        self.disablesCertificateVerification = disablesCertificateVerification
    }

    /// Trusts the PEM certificates in a file (and nothing else).
    public static func trusting(pemFile path: String) throws -> PushTLSOptions {
        PushTLSOptions(trustRoots: .certificates(try NIOSSLCertificate.fromPEMFile(path)))
    }

    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        // NIOSSL's default still allows TLS 1.0 and 1.1.
        configuration.minimumTLSVersion = .tlsv12
        switch self.trustRoots {
        case .system:
            configuration.trustRoots = .default
        case .certificates(let certificates):
            configuration.trustRoots = .certificates(certificates)
        case .systemAnd(let certificates):
            configuration.trustRoots = .default
            configuration.additionalTrustRoots = [.certificates(certificates)]
        }
        configuration.certificateVerification = self.disablesCertificateVerification ? .none : .fullVerification
        return try NIOSSLContext(configuration: configuration)
    }
}
