import DeviceCloud
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// Runs the README's first example, compiled with `import DeviceCloud` alone, against the simulator.
@Suite("One import")
struct ReadmeFirstExampleTests {
    @Test("the README's first example compiles with one import and streams what is published")
    func firstExample() async throws {
        try await withSimulator(
            configuration: .init(
                username: TestAccount.username,
                password: TestAccount.password,
                pushTLS: try TestCertificates.serverConfiguration()
            )
        ) { simulator in
            var configuration = DeviceCloud.Configuration(httpClient: .dedicated())
            configuration.pushTransport = .tls(PushTLSOptions(trustRoots: .certificates(try TestCertificates.caCertificates())))
            configuration.tlsPushPort = try #require(simulator.tlsPushPort)
            let url = try #require(URL(string: "http://127.0.0.1:\(simulator.httpPort)"))
            let exampleConfiguration = configuration
            let result = try await withDeviceCloud(
                url: url, username: TestAccount.username, password: TestAccount.password,
                configuration: DeviceCloud.Configuration(httpClient: .dedicated())
            ) { writer in
                try await withTimeout {
                    try await readmeFirstExample(
                        url: url,
                        username: TestAccount.username,
                        password: TestAccount.password,
                        configuration: exampleConfiguration,
                        publish: { try await writer.dataPoints.write((0..<3).map { DataPoints.Point(stream: "readme", value: "\($0)") }) }
                    )
                }
            }
            #expect(result.values == ["0", "1", "2"])
            #expect(result.listed.count == 1)
        }
    }
}
