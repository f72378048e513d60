/// How the simulator retries deliveries to HTTP monitors and when it gives up on one.
///
/// After a failed attempt the same block is sent again after a delay that starts at
/// ``initialBackoff`` and grows by ``multiplier`` up to ``maximumBackoff``. When no attempt has
/// succeeded for ``failureWindow`` since the first failure, the monitor becomes `DISABLED` and
/// records no more events until it is updated (a PUT resets it).
public struct HTTPDeliveryPolicy: Sendable, Hashable {
    /// How long deliveries may keep failing before the monitor is disabled (the service: 24 h).
    public var failureWindow: Duration
    /// The delay before the first retry.
    public var initialBackoff: Duration
    /// The factor each further delay grows by.
    public var multiplier: Double
    /// The longest delay between two attempts.
    public var maximumBackoff: Duration
    /// The most bytes of a customer server's answer that are read (and discarded).
    public var maximumResponseBodySize: Int

    /// Creates a policy.
    public init(
        failureWindow: Duration = .seconds(24 * 60 * 60),
        initialBackoff: Duration = .seconds(1),
        multiplier: Double = 2,
        maximumBackoff: Duration = .seconds(60),
        maximumResponseBodySize: Int = 64 * 1024
    ) {
        self.failureWindow = failureWindow
        self.initialBackoff = initialBackoff
        self.multiplier = max(1, multiplier)
        self.maximumBackoff = maximumBackoff
        self.maximumResponseBodySize = max(0, maximumResponseBodySize)
    }

    /// A 24-hour window; retries after 1 s, doubling up to a minute.
    public static let `default` = HTTPDeliveryPolicy()

    /// The delay before retry number `retry` (0 for the first retry).
    public func backoff(beforeRetry retry: Int) -> Duration {
        var delay = self.initialBackoff
        var remaining = retry
        while remaining > 0, delay < self.maximumBackoff {
            delay = delay * self.multiplier
            remaining -= 1
        }
        return min(delay, self.maximumBackoff)
    }
}
