import AsyncHTTPClient
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Simulator /ws/Monitor routes over raw HTTP")
struct SimulatorMonitorRoutesTests {
    private struct Answer {
        var status: Int
        var headers: [String: String]
        var body: ByteBuffer
        var text: String { String(buffer: self.body) }
    }

    /// Sends one request to the simulator with the test account (or the given authorization).
    private func send(
        _ simulator: Simulator,
        _ method: String,
        _ pathAndQuery: String,
        body: String? = nil,
        accept: String? = nil,
        authorization: String? = "Basic " + Data("\(TestAccount.username):\(TestAccount.password)".utf8).base64EncodedString()
    ) async throws -> Answer {
        try await HTTPClient.withHTTPClient { client in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(simulator.httpPort)/ws/\(pathAndQuery)")
            switch method {
            case "POST": request.method = .POST
            case "PUT": request.method = .PUT
            case "DELETE": request.method = .DELETE
            default: request.method = .GET
            }
            if let authorization { request.headers.add(name: "Authorization", value: authorization) }
            if let accept { request.headers.add(name: "Accept", value: accept) }
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await client.execute(request, timeout: .seconds(10).allowingForSanitizers)
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            return Answer(status: Int(response.status.code), headers: headers, body: try await response.body.collect(upTo: 1 << 24))
        }
    }

    @Test("create answers 201 with the location; get answers XML by default and JSON on request")
    func createAndGet() async throws {
        try await withSimulator { simulator in
            let created = try await send(
                simulator,
                "POST",
                "Monitor",
                body: """
                    <?xml version="1.0"?><Monitor><monTopic>DeviceCore,XbeeCore</monTopic>\
                    <monTransportType>tcp</monTransportType><monDescription>a &amp; b</monDescription>\
                    <monId>999</monId></Monitor>
                    """
            )
            #expect(created.status == 201)
            let id = try MonitorCreationResult(xml: created.body).monitorID
            #expect(created.text.contains("<location>Monitor/\(id)</location>"))

            let xml = try await send(simulator, "GET", "Monitor/\(id)")
            #expect(xml.status == 200)
            #expect(xml.headers["content-type"]?.contains("xml") == true)
            let page = try MonitorListPage(xml: xml.body)
            #expect(page.items.map(\.id) == [id])
            #expect(page.items.first?.description == "a & b")
            #expect(page.items.first?.topics == ["DeviceCore", "XbeeCore"])

            let json = try await send(simulator, "GET", "Monitor/\(id)", accept: "application/json")
            #expect(json.headers["content-type"]?.contains("json") == true)
            #expect(try MonitorListPage(json: json.body) == page)
            #expect(json.text.contains("\"monId\":\"\(id)\""))
            #expect(json.text.contains("\"resultTotalRows\":\"1\""))
        }
    }

    @Test("a list answers XML with every monitor, paged by start and size")
    func xmlList() async throws {
        try await withSimulator { simulator in
            try await simulator.store.create(contentsOf: (0..<5).map { MonitorDefinition(topics: ["Job/\($0)"]) })
            let answer = try await send(simulator, "GET", "Monitor?start=1&size=3")
            let page = try MonitorListPage(xml: answer.body)
            #expect(page.requestedStart == 1 && page.resultSize == 3 && page.remainingSize == 1 && page.totalRows == 5)
            #expect(page.items.map(\.topics) == [["Job/1"], ["Job/2"], ["Job/3"]])
        }
    }

    @Test("update and delete answer 200; then the monitor is 404")
    func updateDelete() async throws {
        try await withSimulator { simulator in
            let record = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"]))
            let updated = try await send(simulator, "PUT", "Monitor/\(record.id)", body: "<Monitor><monBatchSize>7</monBatchSize></Monitor>")
            #expect(updated.status == 200)
            #expect(await simulator.store.record(id: record.id)?.batchSize == 7)
            #expect(try await send(simulator, "DELETE", "Monitor/\(record.id)").status == 200)
            #expect(try await send(simulator, "GET", "Monitor/\(record.id)").status == 404)
            #expect(try await send(simulator, "DELETE", "Monitor/\(record.id)").status == 404)
            #expect(try await send(simulator, "PUT", "Monitor/\(record.id)", body: "<Monitor/>").status == 404)
            #expect(try await send(simulator, "GET", "Monitor/abc").status == 404)
        }
    }

    @Test(
        "malformed bodies answer 400",
        arguments: [
            "", "<Monitor>", "<Monitor><monTopic>DataPoint</monTopic>", "<NotAMonitor/>",
            "<Monitor><monTopic>DataPoint</monTopic><monBatchSize>many</monBatchSize></Monitor>",
            "<Monitor><monTransportType>tcp</monTransportType></Monitor>",
            "<Monitor><monTopic>DataPoint</monTopic><monTransportType>carrier-pigeon</monTransportType></Monitor>",
            "<Monitor><monTopic>DataPoint</monTopic><monTransportType>http</monTransportType></Monitor>",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><Monitor><monTopic>&a;</monTopic></Monitor>",
        ]
    )
    func malformedBodies(_ body: String) async throws {
        try await withSimulator { simulator in
            let answer = try await send(simulator, "POST", "Monitor", body: body)
            #expect(answer.status == 400)
            #expect(answer.text.contains("<error>"))
            #expect(await simulator.store.allRecords.isEmpty)
        }
    }

    @Test(
        "malformed conditions and parameters answer 400",
        arguments: [
            "condition=monDescription%3D%27O%27Brien%27%20or%20monId%3E%270",  // monDescription='O'Brien' or monId>'0
            "condition=monId%3D%271",  // monId='1
            "condition=monId%3E%3D%271%27",  // monId>='1'
            "condition=noSuchElement%3D%271%27",
            "start=-1", "size=0", "size=ten",
        ]
    )
    func malformedQueries(_ query: String) async throws {
        try await withSimulator { simulator in
            try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], description: "O'Brien"))
            let answer = try await send(simulator, "GET", "Monitor?\(query)", accept: "application/json")
            #expect(answer.status == 400)
        }
    }

    @Test("a properly quoted condition matches the value literally")
    func quotedCondition() async throws {
        try await withSimulator { simulator in
            let record = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], description: "O'Brien"))
            try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], description: "other"))
            let condition = MonitorField.description == "O'Brien"
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let encoded = try #require(condition.compiled.addingPercentEncoding(withAllowedCharacters: allowed))
            let answer = try await send(simulator, "GET", "Monitor?condition=\(encoded)", accept: "application/json")
            #expect(answer.status == 200)
            #expect(try MonitorListPage(json: answer.body).items.map(\.id) == [record.id])
        }
    }

    @Test("missing or wrong credentials answer 401 with a challenge")
    func unauthorized() async throws {
        try await withSimulator { simulator in
            for authorization in [nil, "Basic " + Data("\(TestAccount.username):wrong".utf8).base64EncodedString(), "Bearer x", "Basic !!!"] {
                let answer = try await send(simulator, "GET", "Monitor", authorization: authorization)
                #expect(answer.status == 401)
                #expect(answer.headers["www-authenticate"]?.hasPrefix("Basic") == true)
            }
            let create = try await send(simulator, "POST", "Monitor", body: "<Monitor><monTopic>x</monTopic></Monitor>", authorization: nil)
            #expect(create.status == 401)
            #expect(await simulator.store.allRecords.isEmpty)
        }
    }

    @Test("throttling answers 429 for the requests asked, then serves again")
    func throttling() async throws {
        try await withSimulator { simulator in
            simulator.throttling.set(.nextRequests(2))
            var statuses: [Int] = []
            for _ in 0..<3 {
                statuses.append(try await send(simulator, "GET", "Monitor").status)
            }
            #expect(statuses == [429, 429, 200])
            #expect(simulator.throttling.throttledResponses == 2)
            #expect(simulator.throttling.mode == .off)
        }
    }
}
