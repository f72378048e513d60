import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// `dcmon monitors reset` and `dcmon monitors history` against an in-process simulator.
@Suite("dcmon monitors reset and history", .cpuHeavy)
struct DCMonInventoryTests {
    @Test("history prints a persistent monitor's saved events as JSON lines; --until bounds them")
    func history() async throws {
        try await withSimulator { simulator in
            let monitor = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint/cli"], persistent: true))
            await simulator.store.raise(
                (0..<3).map { index in
                    RaisedEvent(
                        resourceType: "DataPoint", path: "cli", operation: .insertion,
                        resource: .object([("streamId", .string("cli")), ("data", .number("\(index)"))]),
                        timestamp: "2026-11-30T10:00:00Z")
                }
            )
            let environment = DCMonWebServiceTests.environment(simulator)
            let printed = try await DCMonWebServiceTests.run(
                ["monitors", "history", "\(monitor.id)", "--since", "2020-01-01T00:00:00Z", "--page-size", "2"],
                environment: environment
            )
            #expect(printed.status == 0, "\(printed.errors)")
            let lines = printed.output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(lines.count == 3)
            #expect(lines.compactMap { ($0["monitor"] as? NSNumber)?.intValue } == [Int](repeating: Int(monitor.id), count: 3))
            #expect(lines.compactMap { (($0["body"] as? [String: Any])?["data"] as? NSNumber)?.intValue } == [0, 1, 2])
            #expect(lines.allSatisfy { $0["topic"] as? String == "7603/DataPoint/cli" })

            let bounded = try await DCMonWebServiceTests.run(
                ["monitors", "history", "\(monitor.id)", "--since", "2020-01-01T00:00:00Z", "--until", "2021-01-01T00:00:00Z"],
                environment: environment
            )
            #expect(bounded.status == 0 && bounded.output.isEmpty)
            let invalid = try await DCMonWebServiceTests.run(
                ["monitors", "history", "\(monitor.id)", "--since", "yesterday"], environment: environment)
            #expect(invalid.status == 1 && invalid.errors.contains("--since"))
        }
    }

    @Test("reset re-enables a DISABLED HTTP monitor")
    func reset() async throws {
        var configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
        configuration.httpDelivery = HTTPDeliveryPolicy(
            failureWindow: .milliseconds(100), initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(20))
        try await withFailingHTTPServer { port in
            try await withSimulator(configuration: configuration) { simulator in
                let monitor = try await simulator.store.create(
                    MonitorDefinition(
                        topics: ["DataPoint"], transportType: .http, batchSize: 1, transportURL: "http://127.0.0.1:\(port)/down",
                        transportToken: "a:b")
                )
                await simulator.store.raise([
                    RaisedEvent(
                        resourceType: "DataPoint", path: "x", operation: .insertion, resource: .object([]),
                        timestamp: "2026-11-30T10:00:00Z")
                ])
                try await withTimeout { try await simulator.store.wait(forMonitor: monitor.id) { $0?.status == .disabled } }
                let result = try await DCMonWebServiceTests.run(
                    ["monitors", "reset", "\(monitor.id)"], environment: DCMonWebServiceTests.environment(simulator))
                #expect(result.status == 0, "\(result.errors)")
                #expect(result.output.contains("reset monitor \(monitor.id)"))
                #expect(await simulator.store.record(id: monitor.id)?.status != .disabled)
            }
        }
    }
}
