import DeviceCloud
import DeviceCloudHTTPReceiver
import DeviceCloudProtocol
import Testing

/// The receiver's defences are on by default and refuse values that would disable them.
@Suite("HTTPReceiver configuration")
struct HTTPReceiverConfigurationTests {
    @Test("the production defaults of the caps and timeouts")
    func defaults() throws {
        let configuration = try HTTPReceiver.Configuration(token: receiverToken)
        #expect(configuration.maximumConnections == 256)
        #expect(configuration.maximumConcurrentReads == 32)
        #expect(configuration.maximumWaitingRequests == 16)
        #expect(configuration.idleTimeout == .seconds(30))
        #expect(configuration.requestReadTimeout == .seconds(10))
        #expect(configuration.tlsHandshakeTimeout == .seconds(10))
        #expect(configuration.handoffTimeout == .seconds(4))
    }

    @Test(
        "a cap or timeout that is zero or negative is a ConfigurationError naming it",
        arguments: ["maximumConcurrentReads", "maximumConnections", "idleTimeout", "requestReadTimeout", "tlsHandshakeTimeout", "handoffTimeout"]
    )
    func refusesNonPositive(name: String) {
        let error = #expect(throws: ConfigurationError.self) {
            switch name {
            case "maximumConcurrentReads": _ = try HTTPReceiver.Configuration(token: nil, maximumConcurrentReads: 0)
            case "maximumConnections": _ = try HTTPReceiver.Configuration(token: nil, maximumConnections: -1)
            case "idleTimeout": _ = try HTTPReceiver.Configuration(token: nil, idleTimeout: .zero)
            case "requestReadTimeout": _ = try HTTPReceiver.Configuration(token: nil, requestReadTimeout: .seconds(-1))
            case "tlsHandshakeTimeout": _ = try HTTPReceiver.Configuration(token: nil, tlsHandshakeTimeout: .zero)
            default: _ = try HTTPReceiver.Configuration(token: nil, handoffTimeout: .zero)
            }
        }
        #expect(error?.message.contains(name) == true, "\(String(describing: error))")
    }
}
