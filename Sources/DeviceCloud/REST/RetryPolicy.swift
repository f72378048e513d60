public import DeviceCloudProtocol

/// How requests answered with 429 (throttled) are retried: exponential backoff.
///
/// The defaults are the reference client's: up to 5 retries, waiting 1 s, then ×1.5 each time,
/// at most 10 s. Other statuses and transport failures are never retried (a create is not
/// idempotent); a 429 means the request was not processed, so retrying it is safe.
public struct RetryPolicy: Sendable, Hashable {
    // A plain record of its own fields; alike in shape to other records, not in meaning.
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
    ///
    /// - Throws: `DeviceCloudProtocol/ConfigurationError` for a negative count or delay, or a multiplier below 1 or not finite.
    public init(
        maximumRetries: Int = 5,
        initialDelay: Duration = .seconds(1),
        multiplier: Double = 1.5,
        maximumDelay: Duration = .seconds(10),
        honorsRetryAfter: Bool = true
    ) throws(ConfigurationError) {
        guard maximumRetries >= 0 else { throw ConfigurationError("maximumRetries must not be negative") }
        guard multiplier.isFinite, multiplier >= 1 else {
            throw ConfigurationError("the retry multiplier must be a finite number of at least 1")
        }
        guard initialDelay >= .zero, maximumDelay >= .zero else { throw ConfigurationError("retry delays must not be negative") }
        self.init(validatedRetries: maximumRetries, initialDelay: initialDelay, multiplier: multiplier, maximumDelay: maximumDelay, honorsRetryAfter: honorsRetryAfter)
    }

    private init(validatedRetries maximumRetries: Int, initialDelay: Duration, multiplier: Double, maximumDelay: Duration, honorsRetryAfter: Bool) {
        self.maximumRetries = maximumRetries
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.honorsRetryAfter = honorsRetryAfter
    }

    /// The reference client's policy described above.
    public static let `default` = RetryPolicy(validatedRetries: 5, initialDelay: .seconds(1), multiplier: 1.5, maximumDelay: .seconds(10), honorsRetryAfter: true)

    /// Never retry: a 429 fails at once with ``DeviceCloudError/Code/throttled``.
    public static let never = RetryPolicy(validatedRetries: 0, initialDelay: .seconds(1), multiplier: 1.5, maximumDelay: .seconds(10), honorsRetryAfter: true)

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
