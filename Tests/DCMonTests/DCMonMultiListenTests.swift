import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

/// `dcmon listen ID ID …`: several monitors in one process.
@Suite("dcmon listen with several monitors", .cpuHeavy)
struct DCMonMultiListenTests {
    static func listen(port: Int, ids: [UInt32], _ extra: [String]) throws -> ChildProcess {
        try ChildProcess(
            try dcmonExecutable(),
            ["listen"] + ids.map(String.init) + ["--url", "http://127.0.0.1:1", "--plain", "--push-port", "\(port)", "--ack", "explicit"]
                + extra,
            environment: DCMonListenTests.environment
        )
    }

    @Test("one JSON line per event with its monitor id; --count is the total over every monitor")
    func totalCount() async throws {
        try await withPushServer(monitors: [1, 2]) { server in
            let listener = try Self.listen(port: server.port, ids: [1, 2], ["--count", "5"])
            defer { listener.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { try await server.wait { $0.connectedMonitors.isSuperset(of: [1, 2]) } }
            try await server.publish(try SampleEvents.block(1, events: 2), to: 1)
            try await server.wait { $0.acknowledgements[1] == [1] }
            try await server.publish(try SampleEvents.block(4, events: 2, first: 2), to: 2)
            try await server.wait { $0.acknowledgements[2] == [4] }
            // One more event is wanted; this block of two is printed in part and not acknowledged.
            try await server.publish(try SampleEvents.block(2, events: 2, first: 4), to: 1)
            #expect(try await withTimeout(.seconds(60)) { await listener.exitStatus() } == 0, "\(listener.errorOutput)")
            try await withTimeout { try await server.wait { $0.disconnects[1] == 1 && $0.disconnects[2] == 1 } }
            #expect(server.snapshot.acknowledgements[1] == [1])
            #expect(server.snapshot.acknowledgements[2] == [4])
            let lines = listener.output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(lines.count == 5)
            #expect(lines.compactMap { ($0["monitor"] as? NSNumber)?.intValue } == [1, 1, 2, 2, 1])
            #expect(lines.compactMap { (($0["body"] as? [String: Any])?["data"] as? NSNumber)?.intValue } == [0, 1, 2, 3, 4])
        }
    }

    @Test("--timeout applies to the whole run; an id given twice is refused")
    func timeoutAndDuplicates() async throws {
        try await withPushServer(monitors: [1, 2]) { server in
            // Long enough for a loaded machine to start dcmon and connect both before it runs out.
            let listener = try Self.listen(port: server.port, ids: [1, 2], ["--count", "10", "--timeout", "5"])
            defer { listener.signal(SIGKILL) }
            try await withTimeout(.seconds(60)) { try await server.wait { $0.connectedMonitors.isSuperset(of: [1, 2]) } }
            try await server.publish(try SampleEvents.block(1, events: 3), to: 2)
            #expect(try await withTimeout(.seconds(60)) { await listener.exitStatus() } == 1)
            #expect(listener.errorOutput.contains("timed out after 3 of 10 events"), "\(listener.errorOutput)")
        }
        let twice = try Self.listen(port: 1, ids: [3, 3], [])
        #expect(try await withTimeout(.seconds(60)) { await twice.exitStatus() } != 0)
    }
}
