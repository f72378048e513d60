import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

/// `dcmon listen` against a push server on 127.0.0.1: what it acknowledges, what it does with a
/// poison block, how it stops, and how it refuses bad numbers.
@Suite("dcmon listen")
struct DCMonListenTests {
    static let environment = ["DC_USERNAME": TestAccount.username, "DC_PASSWORD": TestAccount.password]

    /// `listen 1` on plain TCP to `port`, with explicit acks (no REST lookup).
    static func listen(port: Int, _ extra: [String]) throws -> ChildProcess {
        try ChildProcess(
            try dcmonExecutable(),
            ["listen", "1", "--url", "http://127.0.0.1:1", "--plain", "--push-port", "\(port)", "--ack", "explicit"] + extra,
            environment: environment
        )
    }

    @Test("--count stops inside a block and acknowledges only the blocks printed in full")
    func countNeverAcknowledgesPartialBlock() async throws {
        try await withPushServer { server in
            let listener = try Self.listen(port: server.port, ["--count", "4"])
            defer { listener.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { try await server.wait { $0.connectedMonitors.contains(1) } }
            try await server.publish(try SampleEvents.block(1, events: 2), to: 1)
            try await server.wait { $0.acknowledgements[1] == [1] }
            try await server.publish(try SampleEvents.block(2, events: 5, first: 2), to: 1)
            #expect(try await withTimeout(.seconds(60)) { await listener.exitStatus() } == 0, "\(listener.errorOutput)")
            // Everything the process wrote before exiting has reached the server once it sees the close.
            try await withTimeout { try await server.wait { $0.disconnects[1] == 1 } }
            #expect(server.snapshot.acknowledgements[1] == [1], "block 2 was printed only in part")
            #expect(listener.output.split(separator: "\n").count == 4)
        }
    }

    @Test("--dead-letter saves an undecodable block, acknowledges it once synced, and goes on")
    func deadLetter() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-dead-letters-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let poison = PublishMessage(blockID: 7, count: 1, compression: .none, format: .json, payload: ByteBuffer(string: #"{"Document": oops"#))
        try await withPushServer { server in
            let listener = try Self.listen(port: server.port, ["--count", "1", "--dead-letter", folder.path])
            defer { listener.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { try await server.wait { $0.connectedMonitors.contains(1) } }
            try await server.publish(poison, to: 1)
            try await server.publish(try SampleEvents.block(8), to: 1)
            #expect(try await withTimeout(.seconds(60)) { await listener.exitStatus() } == 0, "\(listener.errorOutput)")
            try await withTimeout { try await server.wait { $0.acknowledgements[1] == [7, 8] } }
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(files.count == 1)
            let name = try #require(files.first)
            #expect(name.hasPrefix("monitor-1-block-7-") && name.hasSuffix(".bin"))
            let saved = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(String(decoding: saved, as: UTF8.self) == #"{"Document": oops"#)
            #expect(listener.errorOutput.contains("block 7 could not be decoded"))
            #expect(listener.output.split(separator: "\n").count == 1)
        }
    }

    @Test("without --dead-letter, an undecodable block ends listen with exit 1 naming the block, unacknowledged")
    func poisonWithoutDeadLetter() async throws {
        let poison = PublishMessage(blockID: 9, count: 1, compression: .none, format: .json, payload: ByteBuffer(string: "not json"))
        try await withPushServer { server in
            let listener = try Self.listen(port: server.port, [])
            defer { listener.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { try await server.wait { $0.connectedMonitors.contains(1) } }
            try await server.publish(poison, to: 1)
            #expect(try await withTimeout(.seconds(60)) { await listener.exitStatus() } == 1)
            let lines = listener.errorOutput.split(separator: "\n").filter { $0.hasPrefix("dcmon:") }
            #expect(lines.count == 1)
            #expect(lines.first?.contains("block 9") == true, "\(listener.errorOutput)")
            #expect(server.snapshot.acknowledgements[1, default: []].isEmpty)
        }
    }

    @Test("SIGINT ends listen within a second while streaming and while backing off", .timingSensitive)
    func interruptIsPrompt() async throws {
        for whileBackingOff in [false, true] {
            let listener = try await withPushServer { server in
                let listener = try Self.listen(port: server.port, [])
                try await withTimeout(.seconds(60)) { try await server.wait { $0.connectedMonitors.contains(1) } }
                // Streaming for sure: the server registers a session before its ConnectResponse
                // reaches the client, and a first handshake cut short ends listen instead of
                // backing off. A block acknowledged proves the client read the answer.
                try await server.publish(try SampleEvents.block(1), to: 1)
                try await withTimeout(.seconds(60)) { try await server.wait { $0.acknowledgements[1] == [1] } }
                return listener
            }
            defer { listener.signal(SIGKILL) }
            if whileBackingOff {
                // The server is gone: listen reports the lost connection and backs off.
                try await withTimeout(.seconds(30)) {
                    while !listener.errorOutput.contains("reconnecting") {
                        try await listener.waitForErrorOutput(beyond: listener.errorByteCount)
                    }
                }
            }
            let start = ContinuousClock.now
            listener.signal(SIGINT)
            _ = try await withTimeout(.seconds(5)) { await listener.exitStatus() }
            let elapsed = ContinuousClock.now - start
            // Under a sanitizer the child also runs its own checks at exit (LeakSanitizer), so the promise stretches.
            #expect(elapsed < Duration.seconds(1).allowingForSanitizers, "exit took \(elapsed) (backing off: \(whileBackingOff))")
        }
    }

    @Test("times that are not finite positive numbers are one-line errors with exit 1")
    func badNumbers() async throws {
        let dcmon = try dcmonExecutable()
        let cases: [[String]] = [
            ["listen", "1", "--url", "http://127.0.0.1:1", "--ack", "explicit", "--timeout", "inf"],
            ["listen", "1", "--url", "http://127.0.0.1:1", "--ack", "explicit", "--idle-timeout", "nan"],
            ["listen", "1", "--url", "http://127.0.0.1:1", "--ack", "explicit", "--timeout=-3"],
            ["receive-http", "--handoff-timeout", "nan"],
            ["receive-http", "--idle-timeout", "0"],
            ["receive-http", "--read-timeout", "inf"],
            ["receive-http", "--tls-handshake-timeout=-1"],
        ]
        for arguments in cases {
            var environment = Self.environment
            environment["DC_RECEIVER_TOKEN"] = "hook:token"
            let child = try ChildProcess(dcmon, arguments, environment: environment)
            #expect(try await withTimeout(.seconds(60)) { await child.exitStatus() } == 1, "\(arguments)")
            let lines = child.errorOutput.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(child.errorOutput)")
            #expect(lines.first?.contains("must be a finite number of seconds") == true, "\(arguments): \(child.errorOutput)")
        }
    }
}
