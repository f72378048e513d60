/// A number of seconds from the command line as a `Duration`, or a one-line failure naming the
/// flag for a value that is not a finite positive number (`inf`, `nan`, `-1`).
func positiveSeconds(_ value: Double, flag: String) throws -> Duration {
    guard value.isFinite, value > 0, value <= Double(Int64.max / 1_000_000_000) else {
        throw CommandFailure("\(flag) must be a finite number of seconds above 0, not \(value)")
    }
    return .nanoseconds(Int64(value * 1e9))
}
