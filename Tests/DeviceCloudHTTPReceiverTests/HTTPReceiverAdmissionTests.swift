import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudTestSupport
import NIOCore
import Testing

/// Who gets in, and what a slow or unauthenticated client can hold: real clients on real
/// sockets, with every timeout long enough that only the caps decide.
@Suite("HTTPReceiver admission", .runsAlone)
struct HTTPReceiverAdmissionTests {
    static let long = Duration.seconds(30)

    @Test(
        "an unauthenticated request is answered 401 while its body is still unsent, and its connection closed",
        arguments: [nil, "Basic aG9vazpndWVzcw=="]  // no credentials; hook:guess
    )
    func unauthenticatedAnsweredBeforeBody(authorization: String?) async throws {
        let configuration = try receiverConfiguration(idleTimeout: Self.long, requestReadTimeout: Self.long)
        try await withReceiver(configuration) { batches, sender in
            try await withTimeout(.seconds(10)) {
                let connection = try await RawHTTPConnection.open(port: sender.port)
                try await connection.send(rawDeliveryHead(contentLength: 100_000, authorization: authorization))
                #expect(try await connection.nextStatus() == 401)
                try await connection.waitUntilClosed()
            }
            try await expectDelivered(try SampleEvents.block(1, events: 1, first: 2), via: sender, to: batches, values: [2])
        }
    }

    @Test("a request without the shared-secret header is answered 401 while its body is still unsent")
    func missingHeaderSecretAnsweredBeforeBody() async throws {
        var configuration = try receiverConfiguration(idleTimeout: Self.long, requestReadTimeout: Self.long)
        configuration.token = nil
        configuration.headerSecret = HTTPReceiver.HeaderSecret(name: "x-api-key", value: "sh4red-S3cret")
        let settings = configuration
        try await withReceiver(settings) { _, sender in
            try await withTimeout(.seconds(10)) {
                let connection = try await RawHTTPConnection.open(port: sender.port)
                try await connection.send(rawDeliveryHead(contentLength: 100_000, authorization: nil))
                #expect(try await connection.nextStatus() == 401)
                try await connection.waitUntilClosed()
            }
        }
    }

    @Test("beyond maximumConnections a connection is closed at once; the admitted ones are served, and a freed place is taken again")
    func connectionCap() async throws {
        let configuration = try receiverConfiguration(maximumConnections: 3, idleTimeout: Self.long, requestReadTimeout: Self.long)
        try await withReceiver(configuration) { _, sender in
            try await withTimeout(.seconds(10)) {
                let keepAlive = rawDeliveryHead(contentLength: 0, authorization: basicAuthorization(receiverToken))
                var admitted: [RawHTTPConnection] = []
                for _ in 0..<3 {
                    let connection = try await RawHTTPConnection.open(port: sender.port)
                    try await connection.send(keepAlive)
                    #expect(try await connection.nextStatus() == 200)
                    admitted.append(connection)
                }
                let refused = try await RawHTTPConnection.open(port: sender.port)
                try await refused.waitUntilClosed()
                await #expect(throws: RawHTTPConnection.ClosedBeforeResponse.self) { try await refused.nextStatus() }

                // The admitted connections are untouched and still served.
                for connection in admitted {
                    #expect(connection.isOpen)
                    try await connection.send(keepAlive)
                    #expect(try await connection.nextStatus() == 200)
                }

                // One leaves; its place is taken again (once the server has seen it leave).
                await admitted.removeLast().close()
                while true {
                    let connection = try await RawHTTPConnection.open(port: sender.port)
                    try? await connection.send(keepAlive)
                    if let status = try? await connection.nextStatus() {
                        #expect(status == 200)
                        await connection.close()
                        break
                    }
                }
                for connection in admitted { await connection.close() }
            }
        }
    }

    @Test("bodies being read are capped by maximumConcurrentReads: beyond it a request is answered 503 before its body")
    func readCap() async throws {
        let configuration = try receiverConfiguration(
            handoffTimeout: Self.long,
            maximumConcurrentReads: 5,
            idleTimeout: Self.long,
            requestReadTimeout: Self.long
        )
        try await withReceiver(configuration) { _, sender in
            try await withTimeout(.seconds(10)) {
                let authorization = basicAuthorization(receiverToken)
                let stall = rawDeliveryHead(contentLength: 1000, authorization: authorization) + #"{"Document":"#
                var stalled: [RawHTTPConnection] = []
                let probe = try await RawHTTPConnection.open(port: sender.port)
                // Until five slow bodies are being read, an empty request is read and answered
                // 200; then it is refused. A slow body that arrived while a probe held a place
                // was refused (and closed): another takes its place.
                var status = 0
                while status != 503 {
                    stalled.removeAll { !$0.isOpen }
                    while stalled.count < 5 {
                        let connection = try await RawHTTPConnection.open(port: sender.port)
                        try await connection.send(stall)
                        stalled.append(connection)
                    }
                    try await probe.send(rawDeliveryHead(contentLength: 0, authorization: authorization))
                    status = try await probe.nextStatus()
                    #expect(status == 200 || status == 503)
                }
                for connection in stalled { await connection.close() }
                await probe.close()
            }
        }
    }

    @Test("slow bodies hold no waiting slot: more of them than waiting slots do not stop a real delivery")
    func slowBodiesHoldNoWaitingSlot() async throws {
        let configuration = try receiverConfiguration(
            handoffTimeout: Self.long,
            maximumWaitingRequests: 2,
            maximumConcurrentReads: 8,
            idleTimeout: Self.long,
            requestReadTimeout: Self.long
        )
        try await withReceiver(configuration) { batches, sender in
            try await withTimeout(.seconds(10)) {
                let authorization = basicAuthorization(receiverToken)
                var stalled: [RawHTTPConnection] = []
                for _ in 0..<4 {
                    let connection = try await RawHTTPConnection.open(port: sender.port)
                    try await connection.send(rawDeliveryHead(contentLength: 1000, authorization: authorization) + #"{"Document":"#)
                    stalled.append(connection)
                }
                // Round trips after the slow bodies, so the server has read their heads.
                let probe = try await RawHTTPConnection.open(port: sender.port)
                for _ in 0..<20 {
                    try await probe.send(rawDeliveryHead(contentLength: 0, authorization: authorization))
                    #expect(try await probe.nextStatus() == 200)
                }
                try await expectDelivered(try SampleEvents.block(1, events: 1, first: 4), via: sender, to: batches, values: [4])
                // The slow bodies were there all along.
                #expect(stalled.filter { !$0.isOpen }.isEmpty)
                for connection in stalled { await connection.close() }
                await probe.close()
            }
        }
    }

    @Test("a slowloris of 200 connections does not stop a real delivery from being answered 200")
    func slowloris() async throws {
        // The production caps (256 connections, 32 reads, 16 waiting), and timeouts too long to
        // reap anyone during the test: the caps alone must keep room for the real delivery.
        let configuration = try receiverConfiguration(
            handoffTimeout: Self.long,
            maximumWaitingRequests: 16,
            maximumConcurrentReads: 32,
            maximumConnections: 256,
            idleTimeout: Self.long,
            requestReadTimeout: Self.long
        )
        try await withReceiver(configuration) { batches, sender in
            try await withTimeout(.seconds(20)) {
                let authorization = basicAuthorization(receiverToken)
                var held: [RawHTTPConnection] = []
                // 24 authenticated bodies that stall: more than the 16 waiting slots, which
                // (before the read cap) was enough to have every real delivery refused.
                for _ in 0..<24 {
                    let connection = try await RawHTTPConnection.open(port: sender.port)
                    try await connection.send(rawDeliveryHead(contentLength: 10_000, authorization: authorization) + #"{"Document":"#)
                    held.append(connection)
                }
                // 88 request heads that never finish.
                for index in 0..<88 {
                    let connection = try await RawHTTPConnection.open(port: sender.port)
                    try await connection.send("PUT /push HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-\(index): ")
                    held.append(connection)
                }
                // 88 unauthenticated bodies: refused at once, their connections closed.
                for _ in 0..<88 {
                    let connection = try await RawHTTPConnection.open(port: sender.port)
                    try await connection.send(rawDeliveryHead(contentLength: 10_000, authorization: "Basic bm9ib2R5Om5vdGhpbmc=") + "{")
                    #expect(try await connection.nextStatus() == 401)
                    try await connection.waitUntilClosed()
                }

                try await expectDelivered(try SampleEvents.block(1, events: 2, first: 6), via: sender, to: batches, values: [6, 7])

                // Delivered while the slow clients still hold their connections.
                #expect(held.filter { !$0.isOpen }.isEmpty)
                for connection in held { await connection.close() }
            }
        }
    }
}
