import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudProtocol
import DeviceCloudTestSupport
import Testing

@Suite("HTTPReceiver shared-secret header")
struct HTTPReceiverHeaderSecretTests {
    @Test("the header secret admits a delivery without the token; a wrong one does not; the token still works")
    func headerSecret() async throws {
        var settings = try receiverConfiguration(acknowledgement: .off)
        settings.headerSecret = HTTPReceiver.HeaderSecret(name: "X-Api-Key", value: "sh4red-S3cret")
        #expect(!String(describing: settings.headerSecret).contains("sh4red-S3cret"))
        let configuration = settings
        try await withTimeout {
            try await withReceiver(configuration) { batches, sender in
                let block = try SampleEvents.block(1, events: 1, first: 5)
                let json = ("Content-Type", "application/json")
                #expect(try await sender.send(block.payload, token: nil, headers: [json, ("x-api-key", "wrong")]) == 401)
                #expect(try await sender.send(block.payload, token: nil, headers: [json]) == 401)
                async let byHeader = sender.send(block.payload, token: nil, headers: [json, ("x-api-key", "sh4red-S3cret")])
                var iterator = batches.makeAsyncIterator()
                let first = try #require(try await iterator.next())
                #expect(try dataValues(first) == [5])
                #expect(try await byHeader == 200)
                async let byToken = sender.send(block.payload)
                _ = try #require(try await iterator.next())
                #expect(try await byToken == 200)
            }
        }
    }

    @Test("with only a header secret, the header is required")
    func headerOnly() async throws {
        var settings = try receiverConfiguration(acknowledgement: .off)
        settings.token = nil
        settings.headerSecret = HTTPReceiver.HeaderSecret(name: "x-api-key", value: "sh4red-S3cret")
        let configuration = settings
        try await withTimeout {
            try await withReceiver(configuration) { batches, sender in
                let block = try SampleEvents.block(1, events: 1, first: 9)
                #expect(try await sender.send(block.payload) == 401)
                async let admitted = sender.send(block.payload, token: nil, headers: [("X-API-KEY", "sh4red-S3cret")])
                var iterator = batches.makeAsyncIterator()
                #expect(try dataValues(try #require(try await iterator.next())) == [9])
                #expect(try await admitted == 200)
            }
        }
    }
}
