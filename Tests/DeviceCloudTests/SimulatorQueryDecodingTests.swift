import AsyncHTTPClient
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Query strings: the simulator decodes as a servlet does, the client round-trips")
struct SimulatorQueryDecodingTests {
    /// `GET /ws/{pathAndQuery}` exactly as written, with the test account, asking for JSON.
    private func get(_ simulator: Simulator, _ pathAndQuery: String) async throws -> (status: Int, body: ByteBuffer) {
        try await HTTPClient.withHTTPClient { client in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(simulator.httpPort)/ws/\(pathAndQuery)")
            let pair = Data("\(TestAccount.username):\(TestAccount.password)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(pair)")
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await client.execute(request, timeout: .seconds(10).allowingForSanitizers)
            return (Int(response.status.code), try await response.body.collect(upTo: 1 << 20))
        }
    }

    @Test("a form-encoded condition (+ for spaces) is read as the service reads it")
    func formEncodedCondition() async throws {
        try await withSimulator { simulator in
            let dataPoint = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint/plant7"]))
            try await simulator.store.create(MonitorDefinition(topics: ["DeviceCore"]))
            let answer = try await get(simulator, "Monitor?condition=monTopic+like+%27DataPoint%25%27")
            #expect(answer.status == 200)
            #expect(try MonitorListPage(json: answer.body).items.map(\.id) == [dataPoint.id])
        }
    }

    @Test("+ is a space in every parameter, and %2B is a plus")
    func plusInEveryParameter() async throws {
        try await withSimulator { simulator in
            try await simulator.store.create(contentsOf: (0..<4).map { MonitorDefinition(topics: ["Job/\($0)"]) })
            let plus = try await simulator.store.create(MonitorDefinition(topics: ["Job"], description: "a+b"))
            let space = try await simulator.store.create(MonitorDefinition(topics: ["Job"], description: "a b"))
            // Padding by + around numbers is what a form encoder never sends, but a servlet reads "+1" as " 1":
            // the simulator must refuse it the way it refuses any non-number, not read it as a plus sign.
            #expect(try await get(simulator, "Monitor?start=+1&size=2").status == 400)
            let paged = try await get(simulator, "Monitor?start=1&size=2&condition=monTopic+like+%27Job%2F%25%27")
            #expect(try MonitorListPage(json: paged.body).items.map(\.topics) == [["Job/1"], ["Job/2"]])
            let spaced = try await get(simulator, "Monitor?condition=monDescription%3D%27a+b%27")
            #expect(try MonitorListPage(json: spaced.body).items.map(\.id) == [space.id])
            let plussed = try await get(simulator, "Monitor?condition=monDescription%3D%27a%2Bb%27")
            #expect(try MonitorListPage(json: plussed.body).items.map(\.id) == [plus.id])
        }
    }

    @Test(
        "the client's encoding round-trips +, %, &, ' and non-ASCII text",
        arguments: ["a+b", "100%", "this & that", "O'Brien", "Zürich ☃ 東京", "+%&'= ?#/"]
    )
    func clientRoundTrip(_ description: String) async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let wanted = try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], description: description))
            try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], description: description + "x"))
            try await simulator.store.create(MonitorDefinition(topics: ["DataPoint"], description: "a b"))
            let found = try await records(cloud.monitors.list(where: MonitorField.description == description))
            #expect(found.map(\.id) == [wanted.id])
            #expect(found.first?.description == description)
        }
    }
}
