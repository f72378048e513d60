import AsyncHTTPClient
import CompressNIO
import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudProtocol
import DeviceCloudTestSupport
import NIOCore
import Testing

/// Deliveries sent by a plain HTTP client over loopback: what is answered, and what the
/// consumer sees.
@Suite("HTTPReceiver deliveries")
struct HTTPReceiverDeliveryTests {
    @Test(
        "batches arrive in order, and each delivery is answered 200 only after acknowledge()",
        arguments: [PayloadFormat.json, .xml], [PayloadCompression.none, .zlib]
    )
    func deliversInOrder(format: PayloadFormat, compression: PayloadCompression) async throws {
        try await withTimeout {
            try await withReceiver { batches, sender in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for index in 0..<3 {
                            let block = try SampleEvents.block(UInt16(100 + index), events: 2, first: index * 2, format: format, compression: compression)
                            let status = try await sender.send(block, post: index == 1)
                            #expect(status == 200)
                        }
                    }
                    var iterator = batches.makeAsyncIterator()
                    for index in 0..<3 {
                        let batch = try #require(try await iterator.next())
                        #expect(batch.blockID == UInt16(index))
                        #expect(batch.monitorID == 42)
                        #expect(batch.format == format)
                        #expect(batch.compression == compression)
                        #expect(batch.announcedCount == 2)
                        #expect(try dataValues(batch) == [Int64(index * 2), Int64(index * 2 + 1)])
                        #expect(await batch.acknowledge())
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test(
        "zlib is recognised by Content-Encoding or by its header; the format by Content-Type or the first byte",
        arguments: [
            [("Content-Type", "application/json"), ("Content-Encoding", "deflate")],
            [("Content-Type", "application/octet-stream")],
            [],
        ]
    )
    func recognisesEncodingAndFormat(headers: [(String, String)]) async throws {
        try await withTimeout {
            try await withReceiver(try receiverConfiguration(acknowledgement: .off)) { batches, sender in
                for (format, compression) in [(PayloadFormat.json, PayloadCompression.zlib), (.xml, .zlib), (.json, .none), (.xml, .none)] {
                    if headers.contains(where: { $0.0 == "Content-Encoding" }), compression == .none { continue }
                    if headers.contains(where: { $0.1 == "application/json" }), format == .xml { continue }
                    let block = try SampleEvents.block(1, events: 3, first: 7, format: format, compression: compression)
                    async let status = sender.send(block.payload, headers: headers)
                    var iterator = batches.makeAsyncIterator()
                    let batch = try #require(try await iterator.next())
                    #expect(try await status == 200)
                    #expect(batch.format == format)
                    #expect(batch.compression == compression)
                    #expect(try dataValues(batch) == [7, 8, 9])
                }
            }
        }
    }

    @Test("a missing or wrong token is answered 401 and nothing reaches the consumer")
    func refusesWrongToken() async throws {
        try await withTimeout {
            try await withReceiver { batches, sender in
                let block = try SampleEvents.block(1, events: 1, first: 1)
                #expect(try await sender.send(block.payload, token: nil) == 401)
                #expect(try await sender.send(block.payload, token: Credentials(username: "hook", password: "guess")) == 401)
                #expect(try await sender.send(block.payload, token: Credentials(username: "other", password: receiverToken.password)) == 401)
                #expect(
                    try await sender.send(
                        block.payload,
                        token: nil,
                        headers: [("Content-Type", "application/json"), ("Authorization", "Bearer s3cr3t-token")]
                    ) == 401
                )
                // The first batch the consumer sees is the first authenticated delivery.
                let good = try SampleEvents.block(2, events: 1, first: 2)
                async let status = sender.send(good)
                var iterator = batches.makeAsyncIterator()
                let batch = try #require(try await iterator.next())
                #expect(batch.blockID == 0)
                #expect(try dataValues(batch) == [2])
                await batch.acknowledge()
                #expect(try await status == 200)
            }
        }
    }

    @Test("a body over the size limit is answered 413, with or without a declared length")
    func refusesOversizeBody() async throws {
        try await withTimeout {
            try await withReceiver(try receiverConfiguration(maximumBodySize: 1024)) { batches, sender in
                let large = try SampleEvents.block(1, events: 40)
                #expect(large.payload.readableBytes > 1024)
                #expect(try await sender.send(large) == 413)

                // Streamed in chunks without Content-Length: refused while collecting.
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(sender.port)/push")
                request.method = .PUT
                request.headers.add(name: "Authorization", value: basicAuthorization(receiverToken))
                let chunks = stride(from: 0, to: large.payload.readableBytes, by: 256).map { offset in
                    large.payload.getSlice(at: offset, length: min(256, large.payload.readableBytes - offset)) ?? ByteBuffer()
                }
                let stream = AsyncStream(ByteBuffer.self) { continuation in
                    for chunk in chunks { continuation.yield(chunk) }
                    continuation.finish()
                }
                request.body = .stream(stream, length: .unknown)
                let response = try await sender.client.execute(request, timeout: .seconds(30))
                #expect(response.status.code == 413)

                // The receiver goes on.
                try await expectDelivered(try SampleEvents.block(2, events: 1, first: 5), via: sender, to: batches, values: [5])
            }
        }
    }

    @Test("a zlib body that inflates past the limit, or holds too many events, is answered 413")
    func refusesOversizeDocument() async throws {
        try await withTimeout {
            let limits = try PushLimits(maximumDecompressedSize: 4096, maximumEventsPerBatch: 5)
            try await withReceiver(try receiverConfiguration(limits: limits)) { batches, sender in
                var zeros = ByteBuffer()
                zeros.writeString("{\"Document\":{\"Msg\":\"")
                zeros.writeRepeatingByte(UInt8(ascii: "a"), count: 100_000)
                zeros.writeString("\"}}")
                let bomb = try zeros.compress(with: .zlib())
                #expect(bomb.readableBytes < 1024)
                #expect(try await sender.send(bomb) == 413)
                #expect(try await sender.send(try SampleEvents.block(1, events: 6)) == 413)
                try await expectDelivered(try SampleEvents.block(2, events: 5), via: sender, to: batches, values: [0, 1, 2, 3, 4])
            }
        }
    }

    @Test(
        "a garbage body is answered 400 and the receiver goes on",
        arguments: [
            "hello",
            #"{"Document":{"Msg":{"topic":"#,
            "<Document><Msg topic=\"a\"></Document>",
            "\u{78}\u{9C}not really zlib",
        ]
    )
    func refusesGarbage(body: String) async throws {
        try await withTimeout {
            try await withReceiver { batches, sender in
                #expect(try await sender.send(ByteBuffer(string: body), headers: []) == 400)
                try await expectDelivered(try SampleEvents.block(2, events: 1, first: 3), via: sender, to: batches, values: [3])
            }
        }
    }

    @Test("an empty Document (keep-alive) is answered 200 and yields no batch")
    func answersKeepAlive() async throws {
        try await withTimeout {
            try await withReceiver { batches, sender in
                #expect(try await sender.send(ByteBuffer(string: #"{"Document":{}}"#)) == 200)
                #expect(try await sender.send(ByteBuffer(string: "<Document/>"), headers: [("Content-Type", "application/xml")]) == 200)
                #expect(try await sender.send(ByteBuffer()) == 200)
                try await expectDelivered(try SampleEvents.block(9, events: 1, first: 4), via: sender, to: batches, values: [4], blockID: 0)
            }
        }
    }

    @Test("a consumer that does not take a batch in time gets the delivery answered 503", .timingSensitive)
    func answers503WhenNotTaken() async throws {
        try await withTimeout {
            // A second: the timer runs from each request's arrival, so the second delivery must be
            // read, decoded and taken within it too, on a machine whose other core is busy.
            let configuration = try receiverConfiguration(handoffTimeout: Duration.seconds(1).allowingForSanitizers)
            try await withReceiver(configuration) { batches, sender in
                #expect(try await sender.send(try SampleEvents.block(1, events: 1, first: 1)) == 503)
                // The refused batch is gone: the next pull gets the next delivery.
                try await expectDelivered(try SampleEvents.block(2, events: 1, first: 2), via: sender, to: batches, values: [2], blockID: 0)
            }
        }
    }

    @Test("a batch taken but not acknowledged in time is answered 503; acknowledging it later returns false", .timingSensitive)
    func answers503WhenNotAcknowledged() async throws {
        try await withTimeout {
            // A second: the timer runs from the request's arrival, and the batch must be read,
            // decoded and taken within it, on a machine whose other core is busy.
            let configuration = try receiverConfiguration(handoffTimeout: Duration.seconds(1).allowingForSanitizers)
            try await withReceiver(configuration) { batches, sender in
                async let status = sender.send(try SampleEvents.block(1, events: 1, first: 1))
                var iterator = batches.makeAsyncIterator()
                let batch = try #require(try await iterator.next())
                #expect(try await status == 503)
                #expect(await batch.acknowledge() == false)
            }
        }
    }

    @Test("with acknowledgement off a delivery is answered 200 once taken; acknowledge() returns true")
    func acknowledgementOff() async throws {
        try await withTimeout {
            try await withReceiver(try receiverConfiguration(acknowledgement: .off)) { batches, sender in
                async let status = sender.send(try SampleEvents.block(1, events: 2, first: 1))
                var iterator = batches.makeAsyncIterator()
                let batch = try #require(try await iterator.next())
                #expect(try await status == 200)
                #expect(await batch.acknowledge())
            }
        }
    }

    @Test("beyond the waiting limit a delivery is answered 503 at once")
    func boundsWaitingRequests() async throws {
        try await withTimeout {
            try await withReceiver(try receiverConfiguration(maximumWaitingRequests: 2)) { batches, sender in
                async let first = sender.send(try SampleEvents.block(1, events: 1, first: 1))
                async let second = sender.send(try SampleEvents.block(2, events: 1, first: 2))
                var iterator = batches.makeAsyncIterator()
                // Both taken and not acknowledged: both slots stay in use.
                let one = try #require(try await iterator.next())
                let two = try #require(try await iterator.next())
                #expect(try await sender.send(try SampleEvents.block(3, events: 1, first: 3)) == 503)
                #expect(await one.acknowledge())
                #expect(await two.acknowledge())
                #expect(try await first == 200)
                #expect(try await second == 200)
                try await expectDelivered(try SampleEvents.block(4, events: 1, first: 4), via: sender, to: batches, values: [4])
            }
        }
    }

    @Test("other paths are not served")
    func otherPaths() async throws {
        try await withTimeout {
            try await withReceiver { _, sender in
                let status = try await sender.send(try SampleEvents.block(1).payload, path: "/elsewhere")
                #expect(status == 404)
            }
        }
    }
}

/// Sends `block`, takes its batch, checks its values (and block id), acknowledges, and
/// expects 200.
func expectDelivered(
    _ block: PublishMessage,
    via sender: DeliverySender,
    to batches: AsyncThrowingStream<MonitorBatch, any Error>,
    values: [Int64],
    blockID: UInt16? = nil
) async throws {
    async let status = sender.send(block)
    var iterator = batches.makeAsyncIterator()
    let batch = try #require(try await iterator.next())
    #expect(try dataValues(batch) == values)
    if let blockID { #expect(batch.blockID == blockID) }
    await batch.acknowledge()
    #expect(try await status == 200)
}
