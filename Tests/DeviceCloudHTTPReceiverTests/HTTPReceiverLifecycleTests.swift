import AsyncHTTPClient
import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudProtocol
import DeviceCloudTestSupport
import NIOCore
import NIOSSL
import Logging
import ServiceLifecycle
import Testing

/// Starting, stopping, and running a receiver as a service.
@Suite("HTTPReceiver lifecycle", .timingSensitive)
struct HTTPReceiverLifecycleTests {
    @Test("cancelling the consuming task stops the server and frees its port")
    func cancellationFreesPort() async throws {
        try await withTimeout {
            let receiver = HTTPReceiver(configuration: try receiverConfiguration())
            let port = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await receiver.withEvents { batches in
                        for try await _ in batches {}
                    }
                }
                let port = try await receiver.waitUntilListening()
                group.cancelAll()
                try await group.waitForAll()
                return port
            }
            // Nothing listens any more: a second receiver takes the same port.
            let second = HTTPReceiver(configuration: try receiverConfiguration(port: port))
            try await second.withEvents { _ in
                #expect(second.port == port)
            }
        }
    }

    @Test("a consumer that breaks out of its loop stops the server; the waiting delivery gets 503")
    func breakingOutStopsServer() async throws {
        try await withTimeout {
            let receiver = HTTPReceiver(configuration: try receiverConfiguration())
            try await withHTTPClient { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await receiver.run() }
                    let port = try await receiver.waitUntilListening()
                    let sender = DeliverySender(client: client, port: port)
                    async let status = sender.send(try SampleEvents.block(1, events: 1))
                    for try await batch in receiver.events() {
                        #expect(batch.events.count == 1)
                        break  // without acknowledging
                    }
                    #expect(try await status == 503)
                    // run() returns by itself once the consumer is gone.
                    try await group.waitForAll()
                    // The port is free again.
                    let second = HTTPReceiver(configuration: try receiverConfiguration(port: port))
                    try await second.withEvents { _ in #expect(second.port == port) }
                }
            }
        }
    }

    @Test("a port in use fails withEvents with listenFailed before the body runs")
    func portInUse() async throws {
        try await withTimeout {
            let first = HTTPReceiver(configuration: try receiverConfiguration())
            try await first.withEvents { _ in
                let port = try #require(first.port)
                let second = HTTPReceiver(configuration: try receiverConfiguration(port: port))
                let error = await #expect(throws: HTTPReceiverError.self) {
                    try await second.withEvents { _ in
                        Issue.record("the body ran although the port is in use")
                    }
                }
                #expect(error?.code == .listenFailed)
            }
        }
    }

    @Test("as a Service in a ServiceGroup: graceful shutdown ends the stream and run()")
    func runsAsService() async throws {
        try await withTimeout {
            let receiver = HTTPReceiver(configuration: try receiverConfiguration())
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(services: [receiver], logger: Logger(label: "test"))
            )
            try await withHTTPClient { client in
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    let port = try await receiver.waitUntilListening()
                    let sender = DeliverySender(client: client, port: port)
                    let batches = receiver.events()
                    try await expectDelivered(try SampleEvents.block(1, events: 2), via: sender, to: batches, values: [0, 1])
                    await group.triggerGracefulShutdown()
                    var iterator = batches.makeAsyncIterator()
                    #expect(try await iterator.next() == nil)
                    try await tasks.waitForAll()
                }
            }
        }
    }

    @Test("events() can be called once")
    func oneStream() async throws {
        let receiver = HTTPReceiver(configuration: try receiverConfiguration())
        _ = receiver.events()
        var iterator = receiver.events().makeAsyncIterator()
        let error = await #expect(throws: HTTPReceiverError.self) { _ = try await iterator.next() }
        #expect(error?.code == .alreadyStreaming)
    }

    @Test("serves HTTPS with a certificate and key")
    func servesTLS() async throws {
        try await withTimeout {
            var configuration = try receiverConfiguration()
            configuration.tls = try testServerTLS()
            let receiver = HTTPReceiver(configuration: configuration)
            let tls = try testCAClientTLS()
            // The client goes first: a TLS server waits for the client's close_notify on its
            // idle connections when it stops.
            try await receiver.withEvents { batches in
                let port = try #require(receiver.port)
                try await withHTTPClient(configuration: HTTPClient.Configuration(tlsConfiguration: tls)) { client in
                    var sender = DeliverySender(client: client, port: port)
                    sender.scheme = "https"
                    try await expectDelivered(try SampleEvents.block(1, events: 1, first: 6), via: sender, to: batches, values: [6])
                }
            }
        }
    }

    @Test("the token appears in no description of the configuration or the receiver")
    func tokenStaysSecret() throws {
        let receiver = HTTPReceiver(configuration: try receiverConfiguration())
        for text in [
            String(describing: receiver.configuration),
            String(reflecting: receiver.configuration),
            String(describing: receiver),
        ] {
            #expect(!text.contains(receiverToken.password))
        }
    }
}
