import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// `dcmon monitors update|find|ensure`, templates, `DC_HTTP_TOKEN` and redaction, against an
/// in-process simulator.
@Suite("dcmon monitors for everyday operations", .cpuHeavy)
struct DCMonMonitorsTests {
    static func run(_ arguments: [String], _ simulator: Simulator, extra: [String: String] = [:]) async throws -> (
        status: Int32, output: String, errors: String
    ) {
        var environment = DCMonWebServiceTests.environment(simulator)
        for (key, value) in extra { environment[key] = value }
        return try await DCMonWebServiceTests.run(arguments, environment: environment)
    }

    @Test("ensure is get-or-create and idempotent; find prints the id of the exact topic set; update changes the elements given")
    func ensureFindUpdate() async throws {
        try await withSimulator { simulator in
            try await simulator.store.create(MonitorDefinition(topics: ["DataPoint", "DeviceCore", "Extra"]))
            let first = try await Self.run(
                ["monitors", "ensure", "tcp", "--topics", "DataPoint,DeviceCore", "--ack", "explicit"], simulator)
            #expect(first.status == 0, "\(first.errors)")
            let id = try #require(UInt32(first.output.trimmingCharacters(in: .whitespacesAndNewlines)))
            let again = try await Self.run(["monitors", "ensure", "tcp", "--topics", "DataPoint,DeviceCore"], simulator)
            #expect(again.output.trimmingCharacters(in: .whitespacesAndNewlines) == String(id))
            #expect(await simulator.store.allRecords.count == 2)
            #expect(await simulator.store.record(id: id)?.acknowledgement == .explicit)

            let found = try await Self.run(["monitors", "find", "--topics", "DataPoint,DeviceCore"], simulator)
            #expect(found.status == 0 && found.output.trimmingCharacters(in: .whitespacesAndNewlines) == String(id))
            let missing = try await Self.run(["monitors", "find", "--topics", "DataPoint"], simulator)
            #expect(missing.status == 1)

            let updated = try await Self.run(
                ["monitors", "update", String(id), "--batch-size", "7", "--description", "plant 7"], simulator)
            #expect(updated.status == 0, "\(updated.errors)")
            let record = await simulator.store.record(id: id)
            #expect(record?.batchSize == 7 && record?.description == "plant 7" && record?.topics == ["DataPoint", "DeviceCore"])
            // An update takes no token from the environment unasked.
            let untouched = try await Self.run(
                ["monitors", "update", String(id), "--batch-size", "8"], simulator, extra: ["DC_HTTP_TOKEN": "x:y"])
            #expect(untouched.status == 0)
            #expect(await simulator.store.record(id: id)?.transportToken == nil)
            let nothing = try await Self.run(["monitors", "update", String(id)], simulator)
            #expect(nothing.status == 1 && nothing.errors.contains("nothing to change"))
        }
    }

    @Test("list --where --json prints exactly the matching monitors, in id order; delete removes one, and show and delete then exit 1 saying so")
    func listWhereAndDelete() async throws {
        try await withSimulator { simulator in
            let tcp = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], transportType: .tcp)).id
            let http = try await simulator.store.create(
                MonitorDefinition(topics: ["DataPoint"], transportType: .http, transportURL: "http://127.0.0.1:9/hook")
            ).id
            let otherTCP = try await simulator.store.create(MonitorDefinition(topics: ["DeviceCore"], transportType: .tcp)).id

            let listed = try await Self.run(["monitors", "list", "--where", "monTransportType='tcp'", "--json"], simulator)
            #expect(listed.status == 0, "\(listed.errors)")
            let lines = listed.output.split(separator: "\n")
            let ids = try lines.map { line -> String in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["monTransportType"] as? String == "tcp")
                return try #require(object["monId"] as? String)
            }
            #expect(ids == [String(tcp), String(otherTCP)])

            let deleted = try await Self.run(["monitors", "delete", String(http)], simulator)
            #expect(deleted.status == 0, "\(deleted.errors)")
            #expect(await simulator.store.record(id: http) == nil)
            #expect(await simulator.store.allRecords.map(\.id).sorted() == [tcp, otherTCP].sorted())

            let shown = try await Self.run(["monitors", "show", String(http)], simulator)
            #expect(shown.status == 1)
            #expect(shown.errors.contains("404") || shown.errors.lowercased().contains("not found"), "\(shown.errors)")
            let again = try await Self.run(["monitors", "delete", String(http)], simulator)
            #expect(again.status == 1)
            #expect(again.errors.contains("404") || again.errors.lowercased().contains("not found"), "\(again.errors)")
        }
    }

    @Test("create http takes the token from DC_HTTP_TOKEN; show and list --json redact tokens and header values unless --show-secrets")
    func secrets() async throws {
        try await withSimulator { simulator in
            let created = try await Self.run(
                [
                    "monitors", "create", "http", "--topics", "DataPoint", "--target", "http://127.0.0.1:9/hook", "--header",
                    "X-Api-Key: h3ader-S3cret",
                ],
                simulator,
                extra: ["DC_HTTP_TOKEN": "hook:t0ken-S3cret"]
            )
            #expect(created.status == 0, "\(created.errors)")
            let record = try #require(await simulator.store.allRecords.first)
            #expect(record.transportToken == "hook:t0ken-S3cret")
            #expect(record.transportHeaders == ["X-Api-Key": "h3ader-S3cret"])
            for arguments in [
                ["monitors", "show", String(record.id)], ["monitors", "show", String(record.id), "--json"], ["monitors", "list", "--json"],
            ] {
                let shown = try await Self.run(arguments, simulator)
                #expect(shown.status == 0)
                #expect(!shown.output.contains("t0ken-S3cret") && !shown.output.contains("h3ader-S3cret"), "\(arguments)")
                #expect(shown.output.contains("X-Api-Key: <redacted>"), "\(arguments)")
            }
            let revealed = try await Self.run(["monitors", "show", String(record.id), "--json", "--show-secrets"], simulator)
            #expect(revealed.output.contains("X-Api-Key: h3ader-S3cret") && revealed.output.contains("hook:t0ken-S3cret"))
        }
    }

    @Test("create --schema-type handlebars --schema-file F sets monSchemaType and monSchemaData")
    func templates() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dcmon-template-\(UUID().uuidString).hbs")
        defer { try? FileManager.default.removeItem(at: file) }
        let template = #"{"stream":"{{DataPoint.streamId}}","value":{{DataPoint.data}}}"#
        try Data(template.utf8).write(to: file)
        try await withSimulator { simulator in
            let created = try await Self.run(
                [
                    "monitors", "create", "tcp", "--topics", "DataPoint", "--schema-type", "handlebars", "--schema-file", file.path,
                    "--json",
                ],
                simulator
            )
            #expect(created.status == 0, "\(created.errors)")
            let record = try #require(await simulator.store.allRecords.first)
            #expect(record.schemaType == "handlebars" && record.schemaData == template)
            #expect(created.output.contains("\"monSchemaType\":\"handlebars\""))
            let orphan = try await Self.run(["monitors", "create", "tcp", "--topics", "DataPoint", "--schema-file", file.path], simulator)
            #expect(orphan.status == 1 && orphan.errors.contains("--schema-type"))
        }
    }
}
