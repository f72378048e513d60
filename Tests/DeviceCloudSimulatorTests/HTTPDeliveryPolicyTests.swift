import DeviceCloudSimulator
import Testing

@Suite("HTTP delivery policy")
struct HTTPDeliveryPolicyTests {
    @Test("backoff starts at the initial delay, grows by the multiplier and stops at the maximum")
    func backoff() {
        let policy = HTTPDeliveryPolicy(initialBackoff: .milliseconds(100), multiplier: 2, maximumBackoff: .milliseconds(700))
        let delays = (0..<6).map { policy.backoff(beforeRetry: $0) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(700), .milliseconds(700), .milliseconds(700)])
    }

    @Test("the default window is the service's 24 hours")
    func defaults() {
        #expect(HTTPDeliveryPolicy.default.failureWindow == .seconds(86_400))
        #expect(HTTPDeliveryPolicy(multiplier: 0.5).multiplier == 1)
    }
}
