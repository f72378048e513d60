import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Testing

@Suite("Monitors listing: lazy paging over real HTTP")
struct MonitorsPagingTests {
    @Test("2,500 monitors are listed in pages of 1,000, fetched lazily")
    func largeList() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let definitions = (0..<2500).map { index in
                MonitorDefinition(
                    topics: ["DataPoint/stream\(index)"],
                    transportType: .tcp,
                    batchSize: index + 1,
                    description: "monitor \(index)"
                )
            }
            let created = try await simulator.store.create(contentsOf: definitions)

            let before = simulator.requestCount
            var iterator = cloud.monitors.list().makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(first.id == created[0].id)
            #expect(simulator.requestCount == before + 1)

            let listed = try await records(cloud.monitors.list())
            #expect(simulator.requestCount == before + 1 + 3)
            #expect(listed.map(\.id) == created.map(\.id))
            #expect(listed.map(\.batchSize) == created.map(\.batchSize))
            #expect(listed.last?.description == "monitor 2499")
        }
    }

    @Test("a condition pages too, and a small page size still yields every match once")
    func conditionAcrossPages() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let definitions = (0..<60).map { index in
                MonitorDefinition(
                    topics: [index.isMultiple(of: 3) ? "DeviceCore" : "DataPoint"],
                    transportType: .tcp,
                    batchSize: index + 1
                )
            }
            let created = try await simulator.store.create(contentsOf: definitions)
            let expected = created.filter { $0.topics == ["DeviceCore"] && ($0.batchSize ?? 0) > 10 }.map(\.id)

            let before = simulator.requestCount
            let condition = MonitorField.topics == ["DeviceCore"] && MonitorField.batchSize > 10
            let listed = try await records(cloud.monitors.list(where: condition, pageSize: 7))
            #expect(listed.map(\.id) == expected)
            #expect(simulator.requestCount - before == (expected.count + 6) / 7)
        }
    }

    @Test("an empty account lists nothing in one request")
    func empty() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let before = simulator.requestCount
            let listed = try await records(cloud.monitors.list())
            #expect(listed.isEmpty)
            #expect(simulator.requestCount == before + 1)
        }
    }

    @Test("the simulator caps the page size and reports the counters")
    func cappedPages() async throws {
        var configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
        configuration.maximumPageSize = 10
        try await withSimulator(configuration: configuration) { simulator in
            try await simulator.store.create(contentsOf: (0..<25).map { _ in MonitorDefinition(topics: ["Job"]) })
            let page = try await simulator.store.page(matching: nil, start: 20, size: 10)
            #expect(page.totalRows == 25 && page.resultSize == 5 && page.remainingSize == 0)
            try await withCloud(simulator, pageSize: 1000) { cloud in
                let before = simulator.requestCount
                let listed = try await records(cloud.monitors.list())
                #expect(listed.count == 25)
                #expect(simulator.requestCount - before == 3)
            }
        }
    }
}
