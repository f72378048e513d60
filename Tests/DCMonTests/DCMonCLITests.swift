import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("dcmon command line")
struct DCMonCLITests {
    @Test("simulate, monitors create, publish, listen --count, then SIGTERM stops simulate cleanly")
    func endToEnd() async throws {
        let dcmon = try dcmonExecutable()
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-test-ca-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: caFile) }
        let credentials = ["DC_USERNAME": "cli-user", "DC_PASSWORD": "cli-pass-Xy7"]
        let simulator = try ChildProcess(dcmon, ["simulate", "--ca-out", caFile.path], environment: credentials)
        defer { simulator.signal(SIGKILL) }
        let listening = try #require(try await withTimeout(.seconds(60)) { await simulator.firstLine() }, "simulate printed nothing: \(simulator.errorOutput)")
        let fields = Dictionary(
            uniqueKeysWithValues: listening.split(separator: " ").dropFirst().compactMap { pair -> (String, String)? in
                guard let equals = pair.firstIndex(of: "=") else { return nil }
                return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
            }
        )
        let url = try #require(fields["http"])
        let tlsPort = try #require(fields["push-tls"])
        #expect(fields["ca"] == caFile.path)
        var environment = credentials
        environment["DC_URL"] = url

        func run(_ arguments: [String]) async throws -> (Int32, String, String) {
            let child = try ChildProcess(dcmon, arguments, environment: environment)
            let status = try await withTimeout(.seconds(60)) { await child.exitStatus() }
            return (status, child.output, child.errorOutput)
        }

        let (created, createdOutput, createdErrors) = try await run([
            "monitors", "create", "tcp", "--topics", "DataPoint/cli", "--batch-size", "7", "--batch-duration", "1",
            "--compression", "zlib", "--format", "json", "--ack", "explicit", "--auto-replay", "true", "--json",
        ])
        #expect(created == 0, "\(createdErrors)")
        let monitor = try #require(
            try JSONSerialization.jsonObject(with: Data(createdOutput.utf8)) as? [String: String]
        )
        let id = try #require(monitor["monId"])

        // Over TLS, trusting the CA the simulator generated and wrote out.
        let listener = try ChildProcess(
            dcmon,
            ["listen", id, "--count", "25", "--timeout", "30", "--push-port", tlsPort, "--ca-file", caFile.path],
            environment: environment
        )
        let (published, _, publishErrors) = try await run(["publish", "datapoint", "--stream", "cli", "--value", "100", "--count", "25"])
        #expect(published == 0, "\(publishErrors)")
        let listened = try await withTimeout(.seconds(60)) { await listener.exitStatus() }
        #expect(listened == 0, "\(listener.errorOutput)")
        let events = listener.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(events.count == 25)
        let values = events.compactMap { (($0["body"] as? [String: Any])?["data"] as? NSNumber)?.intValue }
        #expect(values.sorted() == Array(100..<125))
        #expect(events.allSatisfy { $0["topic"] as? String == "7603/DataPoint/cli" && $0["operation"] as? String == "INSERTION" })

        // Expected failures: one line on stderr, exit code 1.
        let (missing, _, missingErrors) = try await run(["monitors", "show", "999"])
        #expect(missing == 1)
        #expect(missingErrors.split(separator: "\n").count == 1)
        var wrong = environment
        wrong["DC_PASSWORD"] = "not-the-password"
        let badCredentials = try ChildProcess(dcmon, ["monitors", "list"], environment: wrong)
        #expect(try await withTimeout(.seconds(60)) { await badCredentials.exitStatus() } == 1)
        #expect(!badCredentials.errorOutput.contains("not-the-password"))

        simulator.signal(SIGTERM)
        #expect(try await withTimeout(.seconds(60)) { await simulator.exitStatus() } == 0)
    }
}
