// Fuzzes the `/ws/Monitor` condition parser, `MonitorCondition(parsing:)` (public), which the
// simulator's REST routes and `dcmon monitors list --where` run on text from outside.
//
// Properties, beyond "does not crash":
// - raw input: a parsed condition's compiled text parses again, to a condition with the same
//   compiled text (compiling is a fixed point after one parse); text past the length cap is
//   always refused;
// - built input: a condition built from the input (any field names, any values, quotes and
//   keywords included, nested `and`/`or`) parses from its compiled text back to a condition
//   with the same compiled text, and a single comparison to exactly itself.
import DeviceCloudProtocol
import FuzzSupport

/// The process's entry point, which SwiftPM names `FuzzMonitorCondition_main`: libFuzzer's driver.
@_cdecl("FuzzMonitorCondition_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkRaw(String(decoding: bytes, as: UTF8.self))
    var input = FuzzBytes(bytes)
    checkBuilt(build(&input, depth: 0))
    return 0
}

func checkRaw(_ text: String) {
    let condition: MonitorCondition
    do {
        condition = try MonitorCondition(parsing: text)
    } catch {
        fuzzCheck(error.code == .malformedCondition, "unexpected error code \(error.code)")
        return
    }
    fuzzCheck(text.utf8.count <= MonitorCondition.maximumParsedLength, "a \(text.utf8.count)-byte condition passed the cap")
    let compiled = condition.compiled
    guard compiled.utf8.count <= MonitorCondition.maximumParsedLength else { return }
    do {
        let again = try MonitorCondition(parsing: compiled)
        fuzzCheck(again.compiled == compiled, "\(compiled.debugDescription) compiles back as \(again.compiled.debugDescription)")
    } catch {
        fuzzCheck(false, "the compiled text \(compiled.debugDescription) of \(text.debugDescription) does not parse: \(error)")
    }
}

func checkBuilt(_ condition: MonitorCondition) {
    let compiled = condition.compiled
    do {
        let parsed = try MonitorCondition(parsing: compiled)
        fuzzCheck(parsed.compiled == compiled, "\(compiled.debugDescription) parses as \(parsed.compiled.debugDescription)")
        if case .comparison = condition {
            fuzzCheck(parsed == condition, "\(compiled.debugDescription) parses to \(parsed), not \(condition)")
        }
    } catch {
        fuzzCheck(false, "the compiled text \(compiled.debugDescription) does not parse: \(error)")
    }
}

/// A condition from the input; at most 6 levels deep, well within the parser's depth cap.
func build(_ input: inout FuzzBytes, depth: Int) -> MonitorCondition {
    switch input.below(depth < 6 ? 4 : 1) {
    case 1: return build(&input, depth: depth + 1) && build(&input, depth: depth + 1)
    case 2: return build(&input, depth: depth + 1) || build(&input, depth: depth + 1)
    default:
        let names = ["monId", "monTransportType", "and", "or", "like", "_", "x9"]
        let field = MonitorFieldName(rawValue: input.string(maximumLength: 10)) ?? MonitorFieldName(rawValue: names[input.below(names.count)])!  // Every listed name is an identifier.
        let comparison = [MonitorComparisonOperator.equal, .lessThan, .greaterThan, .like][input.below(4)]
        let keywords = ["", "'", "''", " and ", " or ", "(", ")", " like "]
        let value = keywords[input.below(keywords.count)] + input.string(maximumLength: 12) + keywords[input.below(keywords.count)]
        return .comparison(field, comparison, value)
    }
}
