/// Stops the fuzzer with `message` when a property does not hold, so libFuzzer records the
/// input as a crash (the message is printed above its report).
///
/// - Parameters:
///   - condition: the property.
///   - message: what broke, with the values that show it.
public func fuzzCheck(
    _ condition: @autoclosure () -> Bool,
    _ message: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() {
        fatalError("property violated: \(message())", file: file, line: line)
    }
}
