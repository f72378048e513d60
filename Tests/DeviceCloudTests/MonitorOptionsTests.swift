import DeviceCloud
import Testing

@Suite("Monitor options")
struct MonitorOptionsTests {
    @Test("printing or dumping HTTP options shows neither the token's password nor a header's value")
    func httpOptionsAreRedacted() {
        let options = HTTPMonitorOptions(
            token: Credentials(username: "hook", password: "h00k-S3cret"),
            method: .post,
            headers: ["X-Api-Key": "k3y-V4lue"],
            batchSize: 10,
            description: "to the receiver"
        )
        var dumped = ""
        dump(options, to: &dumped)
        for text in ["\(options)", String(describing: options), String(reflecting: options), dumped] {
            #expect(!text.contains("h00k-S3cret"))
            #expect(!text.contains("k3y-V4lue"))
            #expect(text.contains("hook"))
            #expect(text.contains("X-Api-Key"))
            #expect(text.contains("to the receiver"))
        }
    }

    @Test("an option left nil is not sent; those set are, for create and update alike")
    func optionsMapToElements() async throws {
        try await withSimulatorAndCloud { _, cloud in
            let options = TCPMonitorOptions(batchSize: 7, format: .xml, acknowledgement: .explicit)
            let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: options)
            var record = await monitor.record
            #expect(record.batchSize == 7 && record.format == .xml && record.acknowledgement == .explicit)
            try await monitor.update(options: TCPMonitorOptions(batchSize: 9))
            record = await monitor.record
            #expect(record.batchSize == 9 && record.format == .xml && record.acknowledgement == .explicit)
            #expect(record.topics == ["DataPoint"])
        }
    }
}
