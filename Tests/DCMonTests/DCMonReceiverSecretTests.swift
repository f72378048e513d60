import AsyncHTTPClient
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

@Suite("dcmon receive-http --header-secret", .cpuHeavy)
struct DCMonReceiverSecretTests {
    @Test("a delivery with the shared-secret header is admitted, a wrong or missing one refused; the secret is never printed")
    func headerSecret() async throws {
        let receiver = try ChildProcess(
            try dcmonExecutable(),
            ["receive-http", "--port", "0", "--count", "2", "--header-secret", "x-api-key"],
            environment: ["DC_RECEIVER_HEADER_SECRET": "sh4red-S3cret", "DC_RECEIVER_TOKEN": "hook:t0ken-S3cret"]
        )
        defer { receiver.signal(SIGKILL) }
        let port = try await withTimeout(.seconds(60)) { try await Self.listeningPort(of: receiver) }
        let url = "http://127.0.0.1:\(port)/push"
        let json =
            #"{"Document":{"Msg":{"timestamp":"2026-01-01T00:00:00Z","topic":"7603/DataPoint/a","operation":"INSERTION","DataPoint":{"data":1}}}}"#
        #expect(try await Self.deliver(json, to: url, headers: [("x-api-key", "wrong")]) == 401)
        #expect(try await Self.deliver(json, to: url, headers: []) == 401)
        #expect(try await Self.deliver(json, to: url, headers: [("X-Api-Key", "sh4red-S3cret")]) == 200)
        let basic = "Basic " + Data("hook:t0ken-S3cret".utf8).base64EncodedString()
        #expect(try await Self.deliver(json, to: url, headers: [("Authorization", basic)]) == 200)
        #expect(try await withTimeout(.seconds(60)) { await receiver.exitStatus() } == 0)
        #expect(receiver.output.split(separator: "\n").count == 2)
        #expect(!receiver.errorOutput.contains("sh4red-S3cret") && !receiver.output.contains("sh4red-S3cret"))

        let missing = try ChildProcess(try dcmonExecutable(), ["receive-http", "--port", "0", "--header-secret", "x-api-key"])
        #expect(try await withTimeout(.seconds(60)) { await missing.exitStatus() } == 1)
        #expect(missing.errorOutput.contains("DC_RECEIVER_HEADER_SECRET"))
    }

    static func listeningPort(of receiver: ChildProcess) async throws -> Int {
        while true {
            let seen = receiver.errorByteCount
            if let line = receiver.errorOutput.split(separator: "\n").first(where: { $0.hasPrefix("listening ") }),
                let url = URL(string: String(line.dropFirst("listening ".count))), let port = url.port
            {
                return port
            }
            try await receiver.waitForErrorOutput(beyond: seen)
        }
    }

    static func deliver(_ body: String, to url: String, headers: [(String, String)]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .PUT
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return Int(response.status.code)
    }
}
