import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudTestSupport
import NIOCore
import NIOSSL
import Testing

/// Slow clients on real sockets: what the receiver's timeouts cut, and when.
///
/// The receiver's timeouts under test are stretched under a sanitizer like every other limit.
@Suite("HTTPReceiver timeouts", .timingSensitive)
struct HTTPReceiverTimeoutTests {
    /// Long enough that no other timeout of a test gets in the way of the one under test.
    static let long = Duration.seconds(30)

    @Test("a connection that sends nothing is closed after idleTimeout, not before")
    func silentConnectionIsReaped() async throws {
        let idle = Duration.milliseconds(300).allowingForSanitizers
        let configuration = try receiverConfiguration(idleTimeout: idle, requestReadTimeout: Self.long)
        try await withReceiver(configuration) { _, sender in
            try await withTimeout(.seconds(10)) {
                // Measured from before the connection opens: the server's timer starts at accept.
                let opened = ContinuousClock.now
                let connection = try await RawHTTPConnection.open(port: sender.port)
                try await connection.waitUntilClosed()
                #expect(ContinuousClock.now - opened >= idle * 0.8)
            }
        }
    }

    @Test("a keep-alive connection is closed once it stayed idle after its last response")
    func keepAliveConnectionIsReaped() async throws {
        // A second: the connection must still be open when its answer has been read, on a
        // machine whose other core is busy.
        let idle = Duration.seconds(1).allowingForSanitizers
        let configuration = try receiverConfiguration(idleTimeout: idle, requestReadTimeout: Self.long)
        try await withReceiver(configuration) { _, sender in
            try await withTimeout(.seconds(10)) {
                let connection = try await RawHTTPConnection.open(port: sender.port)
                // Measured from before the request: the server's idle timer starts after its answer.
                let answered = ContinuousClock.now
                // An empty body is a keep-alive delivery: answered 200 and the connection kept.
                try await connection.send(rawDeliveryHead(contentLength: 0, authorization: basicAuthorization(receiverToken)))
                #expect(try await connection.nextStatus() == 200)
                #expect(connection.isOpen)
                try await connection.waitUntilClosed()
                #expect(ContinuousClock.now - answered >= idle * 0.8)
            }
        }
    }

    @Test("a request head trickled in and never finished is cut by the idle timeout")
    func trickledHeadIsCut() async throws {
        let idle = Duration.milliseconds(300).allowingForSanitizers
        let configuration = try receiverConfiguration(idleTimeout: idle, requestReadTimeout: Self.long)
        try await withReceiver(configuration) { _, sender in
            try await withTimeout(.seconds(10)) {
                // Measured from before the connection opens: the server's timer starts at accept.
                let opened = ContinuousClock.now
                let connection = try await RawHTTPConnection.open(port: sender.port)
                // One header line every 100 ms: bytes keep coming, a request never does.
                let trickle = Task {
                    var line = 0
                    while connection.isOpen {
                        try await connection.send(line == 0 ? "PUT /push HTTP/1.1\r\n" : "X-Slow-\(line): y\r\n")
                        line += 1
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                defer { trickle.cancel() }
                try await connection.waitUntilClosed()
                #expect(ContinuousClock.now - opened >= idle * 0.8)
            }
        }
    }

    @Test("a body trickled in slower than the read deadline allows is cut after requestReadTimeout")
    func trickledBodyIsCut() async throws {
        let readTimeout = Duration.milliseconds(400).allowingForSanitizers
        let configuration = try receiverConfiguration(
            handoffTimeout: Self.long,
            idleTimeout: Self.long,
            requestReadTimeout: readTimeout
        )
        try await withReceiver(configuration) { _, sender in
            try await withTimeout(.seconds(10)) {
                let connection = try await RawHTTPConnection.open(port: sender.port)
                // Measured from before the head is sent: the server's deadline starts when it arrives.
                let arrived = ContinuousClock.now
                try await connection.send(rawDeliveryHead(contentLength: 1000, authorization: basicAuthorization(receiverToken)))
                // A byte every 50 ms: never idle, far too slow for a 1000-byte body.
                let trickle = Task {
                    while connection.isOpen {
                        try await connection.send("x")
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                defer { trickle.cancel() }
                try await connection.waitUntilClosed()
                #expect(ContinuousClock.now - arrived >= readTimeout * 0.8)
            }
        }
    }

    @Test("the handoff timer counts from the request's arrival: a body still arriving is answered 503 when it ends")
    func handoffCountsFromArrival() async throws {
        let handoff = Duration.milliseconds(500).allowingForSanitizers
        let configuration = try receiverConfiguration(
            handoffTimeout: handoff,
            idleTimeout: Self.long,
            requestReadTimeout: Self.long
        )
        try await withReceiver(configuration) { batches, sender in
            try await withTimeout(.seconds(10)) {
                let connection = try await RawHTTPConnection.open(port: sender.port)
                // Measured from before the head is sent: the server's deadline starts when it arrives.
                let arrived = ContinuousClock.now
                try await connection.send(rawDeliveryHead(contentLength: 1000, authorization: basicAuthorization(receiverToken)))
                try await connection.send(#"{"Document":{"Msg":["#)
                // The body never ends: only a timer counted from the head can answer it.
                #expect(try await connection.nextStatus() == 503)
                #expect(ContinuousClock.now - arrived >= handoff * 0.8)
                // Answered before its body was read: the connection is closed.
                try await connection.waitUntilClosed()
            }
            // The receiver goes on.
            try await expectDelivered(try SampleEvents.block(1, events: 1, first: 8), via: sender, to: batches, values: [8])
        }
    }

    @Test("a TLS handshake that does not complete is cut after tlsHandshakeTimeout; a real one is served")
    func tlsHandshakeIsCut() async throws {
        // A second: the real connection's handshake (debug-build TLS, the other core busy) must
        // finish within it.
        let handshake = Duration.seconds(1).allowingForSanitizers
        // The real delivery waits, taken but unacknowledged, while the stalled handshake runs out.
        var configuration = try receiverConfiguration(
            handoffTimeout: Self.long,
            idleTimeout: Self.long,
            requestReadTimeout: Self.long,
            tlsHandshakeTimeout: handshake
        )
        configuration.tls = try testServerTLS()
        let receiver = HTTPReceiver(configuration: configuration)
        let tls = try testCAClientTLS()
        let client = try NIOSSLContext(configuration: tls)
        try await receiver.withEvents { batches in
            let port = try #require(receiver.port)
            try await withTimeout(.seconds(10)) {
                // A real delivery over HTTPS: handshake done, its batch taken, not yet acknowledged.
                let real = try await RawHTTPConnection.open(port: port, tls: client)
                let payload = try SampleEvents.block(1, events: 1, first: 3).payload
                try await real.send(rawDeliveryHead(contentLength: payload.readableBytes, authorization: basicAuthorization(receiverToken)))
                try await real.send(String(buffer: payload))
                var iterator = batches.makeAsyncIterator()
                let batch = try #require(try await iterator.next())
                #expect(try dataValues(batch) == [3])

                // A stalled handshake, opened after the real one: the first bytes of a TLS
                // record header, and then nothing.
                // Measured from before the connection opens: the server's timer starts at accept.
                let opened = ContinuousClock.now
                let stalled = try await RawHTTPConnection.open(port: port)
                try await stalled.send("\u{16}\u{03}\u{01}")
                try await stalled.waitUntilClosed()
                #expect(ContinuousClock.now - opened >= handshake * 0.8)

                // The real connection outlived the handshake deadline: it is still answered.
                #expect(await batch.acknowledge())
                #expect(try await real.nextStatus() == 200)
                #expect(real.isOpen)
                // Closed by the client (TLS close handshake included) before the server stops.
                await real.close()
            }
        }
    }
}
