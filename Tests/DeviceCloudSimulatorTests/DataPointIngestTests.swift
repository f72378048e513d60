import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Testing

@Suite("DataPoint ingestion: writes become monitor events")
struct DataPointIngestTests {
    @Test("XML lists, a single XML point, and JSON reach a matching monitor and not a non-matching one")
    func writesReachMatchingMonitors() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let plant = try await tcpMonitor(simulator, topics: ["DataPoint/plant7"])
            let other = try await tcpMonitor(simulator, topics: ["DataPoint/other"])
            try await withTimeout {
                try await pushSession(simulator, monitorID: plant).withEvents { plantEvents in
                    try await pushSession(simulator, monitorID: other).withEvents { otherEvents in
                        try await awaitConnected(simulator, plant, other)
                        let list = try await send(
                            simulator, "POST", "DataPoint",
                            body: """
                                <list>
                                  <DataPoint><streamId>plant7/temperature</streamId><data>1</data><streamUnits>C</streamUnits></DataPoint>
                                  <DataPoint><streamId>plant7/humidity</streamId><data>2</data><description>wet</description></DataPoint>
                                </list>
                                """,
                            contentType: "text/xml")
                        #expect(list.status == 201)
                        #expect(list.body.components(separatedBy: "<location>DataPoint/plant7/").count == 3, "\(list.body)")
                        let single = try await send(
                            simulator, "POST", "DataPoint/plant7/pressure",
                            body: "<DataPoint><data>3</data><quality>2</quality></DataPoint>")
                        #expect(single.status == 201)
                        #expect(single.body.contains("<location>DataPoint/plant7/pressure/"))
                        let json = try await send(
                            simulator, "POST", "DataPoint",
                            body: #"[{"streamId":"plant7/a","data":4},{"streamId":"plant7/b","data":"5"}]"#,
                            contentType: "application/json")
                        #expect(json.status == 201)
                        let jsonSingle = try await send(
                            simulator, "POST", "DataPoint/plant7/c", body: #"{"data": 6, "streamUnits": "kPa"}"#,
                            contentType: "application/json")
                        #expect(jsonSingle.status == 201)

                        let batches = try await receive(plantEvents) { $0.count == 6 }
                        let events = batches.flatMap(\.events)
                        #expect(try values(events) == [1, 2, 3, 4, 5, 6])
                        #expect(events.map(\.topic) == [
                            "7603/DataPoint/plant7/temperature", "7603/DataPoint/plant7/humidity",
                            "7603/DataPoint/plant7/pressure", "7603/DataPoint/plant7/a", "7603/DataPoint/plant7/b",
                            "7603/DataPoint/plant7/c",
                        ])
                        let operations = Set(events.map(\.operation))
                        let resourceTypes = Set(events.map(\.resourceType))
                        #expect(operations == [.insertion] && resourceTypes == ["DataPoint"])
                        var points: [DataPoint] = []
                        for event in events { points.append(try event.decode(DataPoint.self)) }
                        #expect(Set(points.compactMap(\.id)).count == 6)
                        let stamped = points.filter { $0.serverTimestamp != nil && $0.cstId == 7603 }
                        #expect(stamped.count == 6)
                        #expect(points[0].streamUnits == "C")
                        #expect(points[1].description == "wet")
                        #expect(points[2].quality == 2)
                        #expect(points[5].streamId == "plant7/c")

                        // Nothing of that reached the other monitor: its first event is the marker.
                        #expect(await simulator.store.deliveryStatistics(id: other)?.eventsAccepted == 0)
                        try await writeDataPoints(simulator, stream: "other", values: [99])
                        let marker = try await receive(otherEvents) { _ in true }
                        #expect(try allValues(marker) == [99])
                    }
                }
            }
        }
    }

    @Test("a body that is not a DataPoint write answers 400 with the reason; no credentials answer 401")
    func refusals() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            let monitor = try await tcpMonitor(simulator, autoReplay: true)
            let noData = try await send(simulator, "POST", "DataPoint", body: "<list><DataPoint><streamId>s</streamId></DataPoint></list>")
            #expect(noData.status == 400)
            #expect(noData.body.contains("no data"))
            let noStream = try await send(simulator, "POST", "DataPoint", body: "<DataPoint><data>1</data></DataPoint>")
            #expect(noStream.status == 400)
            #expect(noStream.body.contains("no streamId"))
            let badJSON = try await send(simulator, "POST", "DataPoint/s", body: "{not json", contentType: "application/json")
            #expect(badJSON.status == 400)
            #expect(badJSON.body.contains("not valid JSON"))
            let wrongDocument = try await send(simulator, "POST", "DataPoint", body: "<Monitor><monTopic>x</monTopic></Monitor>")
            #expect(wrongDocument.status == 400)
            let anonymous = try await send(
                simulator, "POST", "DataPoint/s", body: "<DataPoint><data>1</data></DataPoint>", authenticated: false)
            #expect(anonymous.status == 401)
            #expect(await simulator.store.deliveryStatistics(id: monitor)?.eventsAccepted == 0)
        }
    }

    @Test("operation filters and path narrowing select events of any resource type")
    func topicMatching() async throws {
        try await withSimulator(configuration: simulatorConfiguration()) { simulator in
            // Auto-replay monitors record while nobody is connected, so the counts are exact at once.
            let updates = try await tcpMonitor(simulator, topics: ["DataPoint[U]"], autoReplay: true)
            let inserts = try await tcpMonitor(simulator, topics: ["DataPoint[I]"], autoReplay: true)
            let devices = try await tcpMonitor(simulator, topics: ["DeviceCore[I,D]"], autoReplay: true)
            let narrowed = try await tcpMonitor(simulator, topics: ["DataPoint/plant7"], autoReplay: true)
            let everything = try await tcpMonitor(simulator, topics: ["DataPoint", "DeviceCore"], autoReplay: true)
            func event(_ resource: String, _ path: String, _ operation: MonitorEvent.Operation, _ value: Int) -> RaisedEvent {
                RaisedEvent(
                    resourceType: resource, path: path, operation: operation,
                    resource: .object([("data", .number("\(value)"))]), timestamp: "2026-01-01T00:00:00.000Z")
            }
            let matched = await simulator.store.raise([
                event("DataPoint", "plant7/t", .insertion, 0),
                event("DataPoint", "plant7/t", .update, 1),
                event("DataPoint", "other", .delete, 2),
                event("DeviceCore", "00000000-00000000-00409DFF-FF000001", .insertion, 3),
                event("DeviceCore", "00000000-00000000-00409DFF-FF000001", .update, 4),
                event("DeviceCore", "00000000-00000000-00409DFF-FF000001", .delete, 5),
                event("DataPoint", "plant70/x", .insertion, 6),
                event("FileData", "plant7/log.txt", .insertion, 7),
            ])
            let expected: [(UInt32, Int)] = [(updates, 1), (inserts, 2), (devices, 2), (narrowed, 2), (everything, 7)]
            #expect(matched == expected.map(\.1).reduce(0, +))
            for (id, count) in expected {
                #expect(await simulator.store.deliveryStatistics(id: id)?.eventsAccepted == count, "monitor \(id)")
            }
            // And they are delivered: the DeviceCore monitor's client gets the insert and the delete.
            let received = try await withTimeout {
                try await pushSession(simulator, monitorID: devices).withEvents { stream in
                    try await receive(stream) { $0.count == 2 }.flatMap(\.events)
                }
            }
            #expect(received.map(\.operation) == [.insertion, .delete])
            let topics = Set(received.map(\.topic))
            #expect(topics == ["7603/DeviceCore/00000000-00000000-00409DFF-FF000001"])
            #expect(try values(received) == [3, 5])
        }
    }
}
