public import DeviceCloudProtocol
import Foundation

/// How a push session re-establishes a dropped connection: exponential backoff with jitter.
///
/// The defaults are gRPC's: first retry immediately, then 1 s, growing ×1.6 to at most 120 s,
/// each delay spread by ±20 %, without limit on attempts.
public struct ReconnectPolicy: Sendable, Hashable {
    /// The delay before the second attempt (the first is immediate).
    public var initialBackoff: Duration
    /// The factor each delay grows by.
    public var multiplier: Double
    /// The largest delay.
    public var maximumBackoff: Duration
    /// The relative spread of each delay, 0 to 1 (0.2 = ±20 %).
    public var jitter: Double
    /// How many attempts in a row may fail before the stream ends; `nil` for no limit.
    public var maximumAttempts: Int?

    /// Creates a policy.
    ///
    /// - Throws: `DeviceCloudProtocol/ConfigurationError` for a negative delay, a multiplier below 1 or not finite,
    ///   a jitter outside `0...1`, or a negative attempt count.
    public init(
        initialBackoff: Duration = .seconds(1),
        multiplier: Double = 1.6,
        maximumBackoff: Duration = .seconds(120),
        jitter: Double = 0.2,
        maximumAttempts: Int? = nil
    ) throws(ConfigurationError) {
        guard initialBackoff >= .zero, maximumBackoff >= .zero else {
            throw ConfigurationError("reconnect delays must not be negative")
        }
        guard multiplier.isFinite, multiplier >= 1 else {
            throw ConfigurationError("the reconnect multiplier must be a finite number of at least 1")
        }
        guard (0...1).contains(jitter) else { throw ConfigurationError("the reconnect jitter must be within 0...1") }
        guard (maximumAttempts ?? 0) >= 0 else { throw ConfigurationError("maximumAttempts must not be negative") }
        self.init(validatedInitial: initialBackoff, multiplier: multiplier, maximum: maximumBackoff, jitter: jitter, attempts: maximumAttempts)
    }

    private init(validatedInitial initialBackoff: Duration, multiplier: Double, maximum maximumBackoff: Duration, jitter: Double, attempts maximumAttempts: Int?) {
        self.initialBackoff = initialBackoff
        self.multiplier = multiplier
        self.maximumBackoff = maximumBackoff
        self.jitter = jitter
        self.maximumAttempts = maximumAttempts
    }

    /// Never reconnect: a dropped connection ends the stream.
    public static let never = ReconnectPolicy(validatedInitial: .seconds(1), multiplier: 1.6, maximum: .seconds(120), jitter: 0.2, attempts: 0)

    /// The gRPC defaults described above.
    public static let `default` = ReconnectPolicy(validatedInitial: .seconds(1), multiplier: 1.6, maximum: .seconds(120), jitter: 0.2, attempts: nil)

    /// The delay before attempt `attempt` (0-based: attempt 0 is immediate).
    ///
    /// - Parameters:
    ///   - attempt: the attempt about to be made, counted from 0.
    ///   - random: a number in `0...1` drawn by the caller, so tests can pin the jitter.
    public func delay(beforeAttempt attempt: Int, random: Double) -> Duration {
        guard attempt > 0 else { return .zero }
        let base = self.initialBackoff.seconds * pow(self.multiplier, Double(attempt - 1))
        let capped = min(base, self.maximumBackoff.seconds)
        let spread = capped * self.jitter * (random * 2 - 1)
        return .seconds(max(0, capped + spread))
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
