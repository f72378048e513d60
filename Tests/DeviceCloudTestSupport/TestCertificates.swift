import Foundation
public import NIOSSL

/// The TLS material checked in under `Certificates/` (see its README).
public enum TestCertificates {
    /// Path of a file in the certificates folder.
    public static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: "Certificates/\(name)", withExtension: nil) else {
            fatalError("test certificate \(name) is missing from the bundle")
        }
        return url.path
    }

    /// The test CA, to trust in clients.
    public static func caCertificates() throws -> [NIOSSLCertificate] {
        try NIOSSLCertificate.fromPEMFile(path("ca.pem"))
    }

    /// A server configuration with the CA-signed certificate for `localhost` and `127.0.0.1`.
    public static func serverConfiguration() throws -> TLSConfiguration {
        try self.serverConfiguration(named: "server")
    }

    /// A server configuration with a self-signed certificate that no client trusts.
    public static func untrustedServerConfiguration() throws -> TLSConfiguration {
        try self.serverConfiguration(named: "untrusted")
    }

    /// A server configuration with a CA-signed certificate for `push.example.test` only.
    public static func otherHostServerConfiguration() throws -> TLSConfiguration {
        try self.serverConfiguration(named: "other-host")
    }

    private static func serverConfiguration(named name: String) throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(path("\(name).pem")).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: path("\(name)-key.pem"), format: .pem))
        )
    }
}
