import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import NIOCore
import Testing

@Suite("v1 monitors: /ws/v1/monitors/inventory against the simulator")
struct MonitorInventoryTests {
    @Test("create, get, update and delete with v1 names; auth_token never echoed, header names only")
    func lifecycle() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let inventory = cloud.monitors.inventory
            let created = try await inventory.create(
                InventoryMonitor(
                    type: .http, topics: ["DataPoint/plant7", "DeviceCore"], format: .json, compression: .zlib,
                    batchSize: 5, batchDuration: 2, persistent: true, url: "http://127.0.0.1:9/hook",
                    authToken: "hook:t0ken-Value", headers: ["X-Api-Key": "h3ader-Value", "X-Other": "o"], method: .post,
                    description: "plant 7"
                )
            )
            let id = try #require(created.id)
            #expect(created.type == .http && created.topics == ["DataPoint/plant7", "DeviceCore"])
            #expect(created.batchSize == 5 && created.batchDuration == 2 && created.persistent == true)
            #expect(created.authToken == nil)
            #expect(created.headerNames == ["X-Api-Key", "X-Other"])
            #expect(created.headers == nil)
            #expect(created.customerID == 7603)
            // The service kept the secrets (the simulator delivers with them) …
            let record = try #require(await simulator.store.record(id: id))
            #expect(record.transportToken == "hook:t0ken-Value" && record.transportHeaders?["X-Api-Key"] == "h3ader-Value")
            // … and no answer shows them.
            let raw = try await cloud.webService.send(.get, path: "/ws/v1/monitors/inventory/\(id)")
            let text = String(buffer: raw.body)
            #expect(text.contains("\"batch_size\":5") && text.contains("\"persistent\":true") && text.contains("\"customer_id\":7603"))
            #expect(!text.contains("t0ken-Value") && !text.contains("h3ader-Value") && !text.contains("auth_token"))

            let fetched = try await inventory.monitor(id: id)
            #expect(fetched == created)
            let updated = try await inventory.update(id: id, with: InventoryMonitor(batchSize: 9, description: "plant 7b"))
            #expect(updated.batchSize == 9 && updated.description == "plant 7b" && updated.topics == created.topics)
            #expect(await simulator.store.record(id: id)?.transportToken == "hook:t0ken-Value")

            try await inventory.delete(id: id)
            let gone = try await deviceCloudError { _ = try await inventory.monitor(id: id) }
            #expect(gone.code == .notFound && gone.monitorID == id)
        }
    }

    @Test("list follows the cursor lazily, one request per page, with query and orderby")
    func lazyPaging() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let tcp = try await simulator.store.create(
                contentsOf: (0..<5).map { MonitorDefinition(topics: ["Job/\($0)"], transportType: .tcp) })
            try await simulator.store.create(
                MonitorDefinition(topics: ["Job/x"], transportType: .http, transportURL: "http://127.0.0.1:9/"))
            let list = cloud.monitors.inventory.list(query: "type='tcp' and topics like 'Job/%'", orderBy: "id desc", pageSize: 2)
            let before = simulator.requestCount
            var iterator = list.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.id == tcp.last?.id)
            #expect(simulator.requestCount == before + 1)
            _ = try await iterator.next()
            #expect(simulator.requestCount == before + 1)
            var rest: [UInt32] = []
            while let monitor = try await iterator.next() { rest.append(monitor.id ?? 0) }
            #expect(rest == tcp.dropLast(2).reversed().map(\.id))
            #expect(simulator.requestCount == before + 3)
        }
    }

    @Test("the v1 envelope: count, size, cursor, next_uri and list; the last page has no cursor")
    func envelope() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            try await simulator.store.create(contentsOf: (0..<3).map { MonitorDefinition(topics: ["Job/\($0)"]) })
            let first = try await cloud.webService.send(.get, path: "/ws/v1/monitors/inventory", query: [("size", "2")])
            let page = try V1ListPage(json: Data(first.body.readableBytesView))
            #expect(page.count == 2 && page.size == 2 && page.list.count == 2)
            let cursor = try #require(page.cursor)
            let nextURI = try #require(page.nextURI)
            #expect(nextURI.hasPrefix("/ws/v1/monitors/inventory?") && nextURI.contains("cursor="))
            let second = try await cloud.webService.send(
                .get, path: "/ws/v1/monitors/inventory", query: [("size", "2"), ("cursor", cursor)])
            let last = try V1ListPage(json: Data(second.body.readableBytesView))
            #expect(last.count == 1 && last.cursor == nil && last.nextURI == nil && last.isLast)
            let bad = try await deviceCloudError {
                _ = try await cloud.webService.send(.get, path: "/ws/v1/monitors/inventory", query: [("query", "nonsense='1'")])
            }
            #expect(bad.code == .badRequest)
        }
    }

    @Test("a page is read tolerantly: numbers as strings, unknown fields kept and written back")
    func tolerantReading() throws {
        let page = try V1ListPage(
            json: Data(
                #"{"count":"1","size":"10","cursor":"","list":[{"id":"12","type":"tcp","topics":"DataPoint,DeviceCore","batch_size":"3","future_field":{"a":[1,2]},"headers":["X-A"]}]}"#
                    .utf8))
        #expect(page.count == 1 && page.size == 10 && page.isLast)
        let monitor = try InventoryMonitor(json: try #require(page.list.first))
        #expect(monitor.id == 12 && monitor.topics == ["DataPoint", "DeviceCore"] && monitor.batchSize == 3)
        #expect(monitor.headerNames == ["X-A"] && monitor.headers == nil)
        #expect(monitor.additionalFields["future_field"] == #"{"a":[1,2]}"#)
        let written = String(decoding: monitor.jsonDocument(), as: UTF8.self)
        #expect(written.contains(#""future_field":{"a":[1,2]}"#))
        var secret = monitor
        secret.authToken = "u:s3cret-token"
        secret.headers = ["X-A": "s3cret-header"]
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("s3cret-token") && !dumped.contains("s3cret-header"))
    }
}
