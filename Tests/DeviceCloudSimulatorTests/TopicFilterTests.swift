import DeviceCloudProtocol
import DeviceCloudSimulator
import Testing

@Suite("Topic filters")
struct TopicFilterTests {
    @Test("a bare resource matches every operation and path of that resource only")
    func bare() throws {
        let filter = try #require(TopicFilter("DataPoint"))
        #expect(filter.matches(resource: "DataPoint", path: "a/b", operation: .insertion))
        #expect(filter.matches(resource: "DataPoint", path: "", operation: .delete))
        #expect(!filter.matches(resource: "DeviceCore", path: "a", operation: .insertion))
    }

    @Test("operation filters pass only the listed operations")
    func operations() throws {
        let updates = try #require(TopicFilter("DataPoint[U]"))
        #expect(updates.matches(resource: "DataPoint", path: "s", operation: .update))
        #expect(!updates.matches(resource: "DataPoint", path: "s", operation: .insertion))
        let insertsAndDeletes = try #require(TopicFilter("DeviceCore[I,D]"))
        #expect(insertsAndDeletes.matches(resource: "DeviceCore", path: "", operation: .delete))
        #expect(!insertsAndDeletes.matches(resource: "DeviceCore", path: "", operation: .update))
        #expect(TopicFilter("DataPoint[X]") == nil)
        #expect(TopicFilter("DataPoint[]") == nil)
    }

    @Test("a path narrows to that stream and the streams below it, segment by segment")
    func path() throws {
        let filter = try #require(TopicFilter("DataPoint/plant7/temperature"))
        #expect(filter.matches(resource: "DataPoint", path: "plant7/temperature", operation: .insertion))
        #expect(filter.matches(resource: "DataPoint", path: "plant7/temperature/raw", operation: .insertion))
        #expect(!filter.matches(resource: "DataPoint", path: "plant7/temperature2", operation: .insertion))
        #expect(!filter.matches(resource: "DataPoint", path: "plant7", operation: .insertion))
        let both = try #require(TopicFilter("DataPoint/plant7[I]"))
        #expect(both.matches(resource: "DataPoint", path: "plant7/x", operation: .insertion))
        #expect(!both.matches(resource: "DataPoint", path: "plant7/x", operation: .update))
    }

    @Test("monTopic lists split on commas outside brackets")
    func lists() throws {
        let topics = try #require(TopicFilter.parseList("DataPoint[I,U], DeviceCore,FileData/logs"))
        #expect(topics.map(\.description) == ["DataPoint[I,U]", "DeviceCore", "FileData/logs"])
        #expect(TopicFilter.parseList("") == nil)
    }
}
