import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

@Suite("Monitors API over real HTTP against the simulator")
struct MonitorsAPITests {
    @Test("a TCP monitor is created with every option and reads every field back")
    func createTCP() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let description = "plant 7 <sensors> & \"pumps\" 'east'"
            let monitor = try await cloud.monitors.createTCPMonitor(
                topics: ["DataPoint[U]", "DeviceCore[I,D]"],
                options: TCPMonitorOptions(
                    batchSize: 250,
                    batchDuration: .seconds(3),
                    compression: .zlib,
                    format: .json,
                    acknowledgement: .explicit,
                    autoReplay: true,
                    description: description
                )
            )
            for record in [await monitor.record, try await cloud.monitors.record(id: monitor.id)] {
                #expect(record.id == monitor.id)
                #expect(record.customerID == 7603)
                #expect(record.topics == ["DataPoint[U]", "DeviceCore[I,D]"])
                #expect(record.transportType == .tcp)
                #expect(record.batchSize == 250)
                #expect(record.batchDuration == .seconds(3))
                #expect(record.compression == .zlib)
                #expect(record.format == .json)
                #expect(record.acknowledgement == .explicit)
                #expect(record.autoReplayOnConnect == true)
                #expect(record.description == description)
                #expect(record.status == .inactive)
                #expect(record.transportURL == nil && record.transportToken == nil)
                #expect(record.additionalElements.isEmpty)
            }
            #expect(await monitor.acknowledgement == .explicit)
            #expect(await simulator.store.record(id: monitor.id)?.definition.batchDuration == .seconds(3))
        }
    }

    @Test("an HTTP monitor is created with every option and reads every field back")
    func createHTTP() async throws {
        try await withSimulatorAndCloud { _, cloud in
            let url = try #require(URL(string: "https://receiver.example.test:8443/hook?site=7&kind=dp"))
            let monitor = try await cloud.monitors.createHTTPMonitor(
                topics: ["DataPoint"],
                url: url,
                options: HTTPMonitorOptions(
                    token: Credentials(username: "hook", password: "h00k-S3cret"),
                    method: .post,
                    headers: ["X-Site": "plant 7", "X-Trace": "a & b"],
                    connectTimeout: .milliseconds(2500),
                    responseTimeout: .seconds(4),
                    batchSize: 10,
                    batchDuration: .seconds(1),
                    compression: .uncompressed,
                    format: .xml,
                    description: "to the receiver"
                )
            )
            let record = try await cloud.monitors.record(id: monitor.id)
            #expect(record == (await monitor.record))
            #expect(record.transportType == .http)
            #expect(record.transportURL == url.absoluteString)
            #expect(record.transportToken == "hook:h00k-S3cret")
            #expect(record.transportMethod == .post)
            #expect(record.transportHeaders == ["X-Site": "plant 7", "X-Trace": "a & b"])
            #expect(record.connectTimeout == .milliseconds(2500))
            #expect(record.responseTimeout == .seconds(4))
            #expect(record.batchSize == 10)
            #expect(record.batchDuration == .seconds(1))
            #expect(record.compression == .uncompressed)
            #expect(record.format == .xml)
            #expect(record.description == "to the receiver")
            #expect(record.acknowledgement == nil)
            #expect(!String(describing: record).contains("h00k-S3cret"))
            #expect(!String(describing: record).contains("plant 7"))
            let fetched = try await cloud.monitors.monitor(id: monitor.id)
            #expect(fetched is HTTPMonitor)
        }
    }

    @Test("elements left out get the service's defaults")
    func defaults() async throws {
        try await withSimulatorAndCloud { _, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DeviceCore"])
            let record = await monitor.record
            #expect(record.batchSize == 100)
            #expect(record.batchDuration == .seconds(10))
            #expect(record.compression == .uncompressed)
            #expect(record.acknowledgement == .off)
            #expect(record.autoReplayOnConnect == false)
            #expect(await monitor.acknowledgement == .off)
        }
    }

    @Test("update changes the elements given and keeps the others")
    func update() async throws {
        try await withSimulatorAndCloud { _, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(
                topics: ["DataPoint"],
                options: TCPMonitorOptions(
                    batchSize: 5,
                    compression: .zlib,
                    format: .json,
                    acknowledgement: .explicit,
                    description: "before"
                )
            )
            try await monitor.update(topics: ["DataPoint", "FileData"], options: TCPMonitorOptions(batchDuration: .seconds(2), description: "after"))
            let record = await monitor.record
            #expect(record.topics == ["DataPoint", "FileData"])
            #expect(record.batchDuration == .seconds(2))
            #expect(record.description == "after")
            #expect(record.batchSize == 5)
            #expect(record.compression == .zlib)
            #expect(try await cloud.monitors.record(id: monitor.id) == record)
        }
    }

    @Test("delete, then the monitor is 404")
    func delete() async throws {
        try await withSimulatorAndCloud { _, cloud in
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["Job"])
            try await monitor.delete()
            let error = try await deviceCloudError { _ = try await cloud.monitors.record(id: monitor.id) }
            #expect(error.code == .notFound)
            #expect(error.status == 404)
            #expect(error.monitorID == monitor.id)
            let again = try await deviceCloudError { try await monitor.delete() }
            #expect(again.code == .notFound)
            let refresh = try await deviceCloudError { try await monitor.refresh() }
            #expect(refresh.code == .notFound)
        }
    }

    @Test("conditions filter the list: like, and/or, a date, and a quoted value")
    func conditions() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let csv = try await cloud.monitors.createTCPMonitor(topics: ["FileData/reports.csv"], options: TCPMonitorOptions(description: "O'Brien's"))
            let json = try await cloud.monitors.createTCPMonitor(topics: ["FileData/a.json"], options: TCPMonitorOptions(batchSize: 2048))
            let hook = try await cloud.monitors.createHTTPMonitor(
                topics: ["DataPoint"],
                url: try #require(URL(string: "http://127.0.0.1:9/hook")),
                options: HTTPMonitorOptions(batchSize: 10)
            )
            let connected = Date(timeIntervalSince1970: 1_404_777_600)  // 2014-07-08
            await simulator.store.setStatus(.inactive, lastConnect: connected, of: json.id)

            func ids(_ condition: MonitorCondition) async throws -> [UInt32] {
                try await records(cloud.monitors.list(where: condition)).map(\.id)
            }
            #expect(try await ids(MonitorField.topics.like("%.csv")) == [csv.id])
            #expect(try await ids(MonitorField.topics.like("%.csv") || MonitorField.batchSize < 1024) == [csv.id, hook.id])
            #expect(try await ids(MonitorField.transportType == .tcp && MonitorField.batchSize > 1000) == [json.id])
            #expect(try await ids((MonitorField.transportType == .http || MonitorField.batchSize > 1000) && MonitorField.topics.like("FileData%")) == [json.id])
            let midnight = Date(timeIntervalSince1970: 1_404_691_200)  // 2014-07-07T00:00:00Z
            #expect(try await ids(MonitorField.lastConnect > midnight) == [json.id])
            #expect(try await ids(MonitorField.lastConnect < midnight).isEmpty)
            #expect(try await ids(MonitorField.description == "O'Brien's") == [csv.id])
            // Not an injection: matched literally, so nothing matches.
            #expect(try await ids(MonitorField.description == "O'Brien' or monId>'0").isEmpty)
            #expect(try await ids(MonitorField.description.like("%'%")) == [csv.id])
        }
    }

    @Test("find by exact topic list")
    func findByTopics() async throws {
        try await withSimulatorAndCloud { _, cloud in
            _ = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint", "FileData"])
            let wanted = try await cloud.monitors.createTCPMonitor(topics: ["DeviceCore[I,D]", "DataPoint"])
            _ = try await cloud.monitors.createTCPMonitor(topics: ["DeviceCore[I,D]"])
            let found = try await cloud.monitors.find(topics: ["DeviceCore[I,D]", "DataPoint"])
            #expect(found?.id == wanted.id)
            #expect(found is TCPMonitor)
            #expect(try await cloud.monitors.find(topics: ["DataPoint"]) == nil)
        }
    }

    @Test("values that cannot be expressed are refused before sending")
    func invalidArguments() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let before = simulator.requestCount
            let fractional = try await deviceCloudError {
                _ = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: TCPMonitorOptions(batchDuration: .milliseconds(1500)))
            }
            #expect(fractional.code == .invalidArgument)
            let control = try await deviceCloudError {
                _ = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: TCPMonitorOptions(description: "bell \u{7}"))
            }
            #expect(control.code == .invalidArgument)
            #expect(simulator.requestCount == before)
        }
    }

    @Test("the service's refusals become typed errors with status and body")
    func serviceRefusals() async throws {
        try await withSimulatorAndCloud { _, cloud in
            let error = try await deviceCloudError {
                _ = try await cloud.monitors.create(MonitorDefinition(topics: ["DataPoint"], transportType: .tcp, format: .unrecognized("yaml")))
            }
            #expect(error.code == .badRequest)
            #expect(error.status == 400)
            #expect(error.body?.contains("monFormatType") == true)
        }
    }

    @Test("list, get and create hand out actors of the monitor's transport")
    func actorKinds() async throws {
        try await withSimulatorAndCloud { simulator, cloud in
            let tcp = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"])
            let http = try await cloud.monitors.createHTTPMonitor(topics: ["DataPoint"], url: try #require(URL(string: "http://127.0.0.1:9")))
            let listed = try await Array(cloud.monitors.list())
            #expect(listed.map { $0.id } == [tcp.id, http.id])
            #expect(listed.map { $0 is TCPMonitor } == [true, false])
            #expect(listed.map { $0 is HTTPMonitor } == [false, true])
            #expect(try await cloud.monitors.monitor(id: tcp.id) is TCPMonitor)
            #expect(simulator.requestCount > 0)
        }
    }
}

extension Array where Element == any Monitor {
    /// Collects a list.
    init(_ list: MonitorList) async throws {
        var monitors: [any Monitor] = []
        for try await monitor in list {
            monitors.append(monitor)
        }
        self = monitors
    }
}
