import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A throwaway certificate authority and a server certificate it signed for `localhost` and
/// `127.0.0.1`, made at start-up so that the simulator can offer TLS without any files.
struct GeneratedTLS {
    /// The CA certificate, PEM: what a client must trust.
    let caPEM: String
    /// The server's certificate chain and key, ready for a TLS server.
    let serverConfiguration: TLSConfiguration
    /// The CA as NIOSSL sees it, for in-process clients.
    let caCertificate: NIOSSLCertificate

    static func make(validFor days: Int = 30) throws -> GeneratedTLS {
        let now = Date()
        let notBefore = now.addingTimeInterval(-3_600)
        let notAfter = now.addingTimeInterval(TimeInterval(days) * 86_400)

        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("dcmon simulator CA (generated)") }
        // The CA and the server certificate differ in key, subject and extensions: one builder call each.
        let ca = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: .init(caKey.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: caName,
            subject: caName,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey)
        )

        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: .init(serverKey.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: caName,
            subject: try DistinguishedName { CommonName("localhost") },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: .init(caKey)
        )

        let caPEM = try ca.serializeAsPEM().pemString
        let caCertificate = try NIOSSLCertificate(bytes: Array(caPEM.utf8), format: .pem)
        let serverCertificate = try NIOSSLCertificate(bytes: Array(try server.serializeAsPEM().pemString.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(serverKey.pemRepresentation.utf8), format: .pem)
        return GeneratedTLS(
            caPEM: caPEM,
            serverConfiguration: TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(serverCertificate)],
                privateKey: .privateKey(key)
            ),
            caCertificate: caCertificate
        )
    }
}
