/// How requests answered with 429 (throttled) are retried: exponential backoff.
///
/// The defaults are the reference client's: up to 5 retries, waiting 1 s, then ×1.5 each time,
/// at most 10 s. Other statuses and transport failures are never retried (a create is not
/// idempotent); a 429 means the request was not processed, so retrying it is safe.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt; 0 never retries.
    public var maximumRetries: Int
    /// The wait before the first retry.
    public var initialDelay: Duration
    /// The factor each wait grows by.
    public var multiplier: Double
    /// The longest wait.
    public var maximumDelay: Duration
    /// Whether a `Retry-After` header (in seconds) replaces the computed wait, capped at
    /// ``maximumDelay``.
    public var honorsRetryAfter: Bool

    /// Creates a policy.
    public init(
        maximumRetries: Int = 5,
        initialDelay: Duration = .seconds(1),
        multiplier: Double = 1.5,
        maximumDelay: Duration = .seconds(10),
        honorsRetryAfter: Bool = true
    ) {
        precondition(maximumRetries >= 0 && multiplier >= 1 && initialDelay >= .zero && maximumDelay >= .zero)
        self.maximumRetries = maximumRetries
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.honorsRetryAfter = honorsRetryAfter
    }

    /// The reference client's policy described above.
    public static let `default` = RetryPolicy()

    /// Never retry: a 429 fails at once with ``DeviceCloudError/Code/throttled``.
    public static let never = RetryPolicy(maximumRetries: 0)

    /// The wait before retry `retry` (0-based), or what `retryAfter` asks for.
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration {
        if self.honorsRetryAfter, let retryAfter {
            return min(max(retryAfter, .zero), self.maximumDelay)
        }
        var delay = self.initialDelay.seconds
        for _ in 0..<retry {
            delay *= self.multiplier
            if delay >= self.maximumDelay.seconds { break }
        }
        return .seconds(min(delay, self.maximumDelay.seconds))
    }
}
