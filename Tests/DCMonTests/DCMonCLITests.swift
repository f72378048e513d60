import AsyncHTTPClient
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

@Suite("dcmon command line", .cpuHeavy)
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

@Suite("dcmon demo", .cpuHeavy)
struct DCMonDemoTests {
    @Test("demo, the README's first command: 12 DataPoints in 3 blocks over verified TLS, all acknowledged, exit 0")
    func demo() async throws {
        let demo = try ChildProcess(try dcmonExecutable(), ["demo"])
        defer { demo.signal(SIGKILL) }
        #expect(try await withTimeout(.seconds(120)) { await demo.exitStatus() } == 0, "\(demo.errorOutput)")
        let lines = (demo.output + demo.errorOutput).split(separator: "\n").map(String.init)
        #expect(lines.contains("push: connected over TLS, certificate verified"))
        #expect(lines.filter { $0.hasPrefix("block ") && $0.hasSuffix(": 4 events (json, zlib)") }.count == 3)
        let events = lines.filter { $0.hasPrefix("  INSERTION 7603/DataPoint/plant7/") }
        #expect(events.count == 12)
        #expect(events.first == "  INSERTION 7603/DataPoint/plant7/temperature = 20 C")
        #expect(events.last == "  INSERTION 7603/DataPoint/plant7/pressure = 1024 hPa")
        #expect(lines.last == "done: 12 events received and acknowledged; monitor deleted, everything closed")
    }
}

@Suite("dcmon simulate --ca-out")
struct DCMonSimulateCAOutTests {
    @Test("the CA file is written whole and replaces a symbolic link instead of writing through it")
    func caOutDoesNotFollowLinks() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-ca-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appendingPathComponent("victim.txt")
        try Data("keep me".utf8).write(to: victim)
        let link = folder.appendingPathComponent("ca.pem")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim)
        let simulator = try ChildProcess(
            try dcmonExecutable(), ["simulate", "--ca-out", link.path],
            environment: ["DC_USERNAME": "u", "DC_PASSWORD": "p-secret-123"])
        defer { simulator.signal(SIGKILL) }
        let line = try await withTimeout(.seconds(60)) { await simulator.firstLine() }
        #expect(line?.hasPrefix("listening") == true, "\(simulator.errorOutput)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me")
        let attributes = try FileManager.default.attributesOfItem(atPath: link.path)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(try String(contentsOf: link, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["ca.pem", "victim.txt"])
        #expect(!simulator.output.contains("p-secret-123") && !simulator.errorOutput.contains("p-secret-123"))
    }
}

@Suite("dcmon receive-http", .cpuHeavy)
struct DCMonReceiveHTTPTests {
    @Test("prints one JSON line per delivered event, refuses a wrong token, exits after --count")
    func receiveHTTP() async throws {
        let dcmon = try dcmonExecutable()
        let receiver = try ChildProcess(
            dcmon,
            ["receive-http", "--port", "0", "--count", "2"],
            environment: ["DC_RECEIVER_TOKEN": "hook:s3cret-token"]
        )
        defer { receiver.signal(SIGKILL) }
        let port = try await withTimeout(.seconds(60)) { try await listeningPort(of: receiver) }
        let url = "http://127.0.0.1:\(port)/push"
        let json = #"{"Document":{"Msg":{"timestamp":"2026-01-01T00:00:00Z","topic":"7603/DataPoint/a","operation":"INSERTION","DataPoint":{"data":1}}}}"#
        let xml = #"<Document><Msg topic="7603/DeviceCore/5" operation="update" timestamp="2026-01-01T00:00:01Z"><DeviceCore><devId>5</devId></DeviceCore></Msg></Document>"#
        #expect(try await deliver(json, to: url, user: "hook", password: "wrong") == 401)
        #expect(try await deliver(json, to: url, user: "hook", password: "s3cret-token") == 200)
        #expect(try await deliver(xml, to: url, user: "hook", password: "s3cret-token") == 200)
        #expect(try await withTimeout(.seconds(60)) { await receiver.exitStatus() } == 0)
        let events = receiver.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let topics = events.compactMap { $0["topic"] as? String }
        let operations = events.compactMap { $0["operation"] as? String }
        #expect(topics == ["7603/DataPoint/a", "7603/DeviceCore/5"])
        #expect(operations == ["INSERTION", "UPDATE"])
        #expect(!receiver.errorOutput.contains("s3cret-token"))
    }

    @Test("--count stops inside a delivery: a delivery printed only in part is not answered 200")
    func countNeverAcknowledgesPartialDelivery() async throws {
        let dcmon = try dcmonExecutable()
        let receiver = try ChildProcess(
            dcmon,
            ["receive-http", "--port", "0", "--count", "3"],
            environment: ["DC_RECEIVER_TOKEN": "hook:s3cret-token"]
        )
        defer { receiver.signal(SIGKILL) }
        let port = try await withTimeout(.seconds(60)) { try await listeningPort(of: receiver) }
        let url = "http://127.0.0.1:\(port)/push"
        func document(_ values: Range<Int>) -> String {
            let messages = values.map {
                #"{"timestamp":"2026-01-01T00:00:00Z","topic":"7603/DataPoint/a","operation":"INSERTION","DataPoint":{"data":\#($0)}}"#
            }
            return #"{"Document":{"Msg":[\#(messages.joined(separator: ","))]}}"#
        }
        #expect(try await deliver(document(0..<2), to: url, user: "hook", password: "s3cret-token") == 200)
        // The third event reaches the count; the fourth and fifth are not printed: no 200.
        let partial = try? await deliver(document(2..<5), to: url, user: "hook", password: "s3cret-token")  // 503, or the connection closed
        #expect(partial != 200)
        #expect(try await withTimeout(.seconds(60)) { await receiver.exitStatus() } == 0)
        #expect(receiver.output.split(separator: "\n").count == 3)
    }
}

/// The port `receive-http` reports on standard error (`listening http://host:port/path`).
func listeningPort(of receiver: ChildProcess) async throws -> Int {
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

/// PUTs a document with basic authentication; returns the status.
private func deliver(_ body: String, to url: String, user: String, password: String) async throws -> Int {
    var request = HTTPClientRequest(url: url)
    request.method = .PUT
    request.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    return Int(response.status.code)
}
