import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("dcmon receive-http limits", .cpuHeavy)
struct DCMonReceiverLimitsTests {
    @Test("--max-connections closes a connection beyond the cap; --idle-timeout closes an idle one")
    func connectionLimits() async throws {
        let receiver = try ChildProcess(
            try dcmonExecutable(),
            ["receive-http", "--port", "0", "--max-connections", "1", "--idle-timeout", "5"],
            environment: ["DC_RECEIVER_TOKEN": "hook:s3cret-token"]
        )
        defer { receiver.signal(SIGKILL) }
        let port = try await withTimeout(.seconds(60)) { try await listeningPort(of: receiver) }
        // Five seconds of idle time: the refused connection's close must be seen before the
        // admitted one is reaped, on a machine whose other core is busy too.
        try await withTimeout(.seconds(30)) {
            let admitted = try await RawHTTPConnection.open(port: port)
            let authorization = "Basic " + Data("hook:s3cret-token".utf8).base64EncodedString()
            try await admitted.send(rawDeliveryHead(contentLength: 0, authorization: authorization))
            #expect(try await admitted.nextStatus() == 200)

            let beyond = try await RawHTTPConnection.open(port: port)
            try await beyond.waitUntilClosed()
            #expect(admitted.isOpen)

            try await admitted.waitUntilClosed()
        }
    }
}
