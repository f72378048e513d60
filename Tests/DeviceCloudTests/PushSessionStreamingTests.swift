import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import Testing

@Suite("Push session: streaming, acknowledgements, faults")
struct PushSessionStreamingTests {
    @Test(
        "every format and compression decodes, Msg as object and as array",
        arguments: [PayloadFormat.json, .xml],
        [PayloadCompression.none, .zlib]
    )
    func formats(format: PayloadFormat, compression: PayloadCompression) async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let batches = try await withTimeout {
                async let batches = collect(session.events(), count: 2)
                try await server.wait { $0.connectedMonitors.contains(1) }
                try await server.publish(try SampleEvents.block(1, events: 1, format: format, compression: compression), to: 1)
                try await server.publish(
                    try SampleEvents.block(2, events: 5, first: 1, format: format, compression: compression),
                    to: 1
                )
                return try await batches
            }
            #expect(batches.map(\.blockID) == [1, 2])
            #expect(batches.map(\.events.count) == [1, 5])
            #expect(batches.allSatisfy { $0.format == format && $0.compression == compression })
            let bodies = batches.flatMap(\.events).map { String(buffer: $0.body) }
            #expect(bodies.enumerated().allSatisfy { $1.contains("point \($0)") })
            #expect(batches[1].events.allSatisfy { $0.resourceType == "DataPoint" && $0.operation == .insertion })
        }
    }

    @Test("explicit acknowledgements reach the server with the right block ids")
    func explicitAcks() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let blockIDs: [UInt16] = [65534, 65535, 0, 1, 42]
            try await withTimeout {
                async let batches = collect(session.events(), count: blockIDs.count, acknowledge: true)
                try await server.wait { $0.connectedMonitors.contains(1) }
                for id in blockIDs {
                    try await server.publish(try SampleEvents.block(id), to: 1)
                }
                _ = try await batches
                try await server.wait { $0.acknowledgements[1, default: []].count == blockIDs.count }
            }
            #expect(server.snapshot.acknowledgements[1] == blockIDs)
        }
    }

    @Test("with acknowledgement off, acknowledge() sends nothing")
    func noAcksWhenOff() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port, acknowledgement: .off))
            try await withTimeout {
                async let batches = collect(session.events(), count: 3, acknowledge: true)
                try await server.wait { $0.connectedMonitors.contains(1) }
                for id: UInt16 in 1...3 {
                    try await server.publish(try SampleEvents.block(id), to: 1)
                }
                _ = try await batches
                // The close reaches the server after anything the client wrote before it.
                session.close()
                try await server.wait { $0.disconnects[1, default: 0] == 1 }
            }
            #expect(server.snapshot.acknowledgements[1, default: []].isEmpty)
        }
    }

    @Test("frames delivered one byte per write are reassembled")
    func oneByteFragments() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let batches = try await withTimeout {
                async let batches = collect(session.events(), count: 2)
                try await server.wait { $0.connectedMonitors.contains(1) }
                var frames = ByteBuffer()
                try PushFrameEncoder.write(.publishMessage(try SampleEvents.block(1, events: 2, compression: .zlib)), into: &frames)
                try PushFrameEncoder.write(.publishMessage(try SampleEvents.block(2, events: 3, format: .xml)), into: &frames)
                let liveSession = try #require(server.session(for: 1))
                while let byte = frames.readSlice(length: 1) {
                    try await liveSession.writeRaw(byte)
                }
                return try await batches
            }
            #expect(batches.map(\.blockID) == [1, 2])
            #expect(batches.map(\.events.count) == [2, 3])
        }
    }

    @Test("an oversize frame length ends the stream with a protocol violation")
    func oversizeFrame() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let error = try await withTimeout {
                async let error = streamError(session.events())
                try await server.wait { $0.connectedMonitors.contains(1) }
                var header = ByteBuffer()
                header.writeInteger(UInt16(3))
                header.writeInteger(UInt32.max)
                try await server.session(for: 1)?.writeRaw(header)
                return await error
            }
            let sessionError = try #require(error as? PushSessionError)
            #expect(sessionError.code == .protocolViolation)
            #expect((sessionError.underlying as? DeviceCloudProtocolError)?.code == .frameTooLarge)
        }
    }

    @Test("a zlib bomb ends the stream with undecodableBlock, bounded by the inflate cap")
    func zlibBomb() async throws {
        try await withPushServer { server in
            var configuration = sessionConfiguration(port: server.port)
            configuration.limits = try PushLimits(maximumDecompressedSize: 1 << 20)
            let session = PushSession(configuration: configuration)
            let bomb = PublishMessage(
                blockID: 9,
                count: 1,
                compression: .zlib,
                format: .json,
                payload: try BlockEncoder.deflate(ByteBuffer(repeating: UInt8(ascii: " "), count: 8 << 20))
            )
            let error = try await withTimeout {
                async let error = streamError(session.events())
                try await server.wait { $0.connectedMonitors.contains(1) }
                try await server.publish(bomb, to: 1)
                return await error
            }
            let sessionError = try #require(error as? PushSessionError)
            #expect(sessionError.code == .undecodableBlock)
            #expect(sessionError.blockID == 9)
            #expect((sessionError.underlying as? DeviceCloudProtocolError)?.code == .decompressedPayloadTooLarge)
        }
    }

    @Test("invalid JSON in a block ends the stream with undecodableBlock")
    func malformedDocument() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let error = try await withTimeout {
                async let error = streamError(session.events())
                try await server.wait { $0.connectedMonitors.contains(1) }
                let garbage = PublishMessage(
                    blockID: 3, count: 1, compression: .none, format: .json,
                    payload: ByteBuffer(string: #"{"Document":{"Msg":{"topic":"#))
                try await server.publish(garbage, to: 1)
                return await error
            }
            let sessionError = try #require(error as? PushSessionError)
            #expect(sessionError.code == .undecodableBlock)
            #expect((sessionError.underlying as? DeviceCloudProtocolError)?.code == .malformedDocument)
        }
    }
}
