public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much slower, and how much larger in resident memory, this test process is than a normal
/// build: 1 and 1, or more when it was built with a sanitizer (`swift test --sanitize=thread`
/// or `=address`).
///
/// A sanitizer checks every memory access (and ThreadSanitizer every synchronisation), which
/// slows the code several times over and adds shadow memory and redzones to what the process
/// holds. A limit that guards a normal run against a hang, a time a normal run promises ("within
/// 100 ms") or a bound on resident memory would then fail for the instrumentation's sake. The
/// sanitizer runs look for races and memory errors and stretch those limits by these factors;
/// the normal suite keeps every limit exactly. The factors come from the sanitizer's own
/// runtime being linked in, never from a setting a run could pass.
public enum SanitizerOverhead {
    /// 1 in a normal build, 10 under ThreadSanitizer, 4 under AddressSanitizer.
    public static let timeFactor: Int = {
        switch sanitizer {
        case .thread: 10
        case .address: 4
        case nil: 1
        }
    }()

    /// 1 in a normal build, 2 under either sanitizer.
    public static let memoryFactor: Int = sanitizer == nil ? 1 : 2

    private enum Sanitizer { case thread, address }

    private static let sanitizer: Sanitizer? = {
        if isLinked("__tsan_init") { return .thread }
        if isLinked("__asan_init") { return .address }
        return nil
    }()

    private static func isLinked(_ symbol: String) -> Bool {
        #if canImport(Glibc) || canImport(Darwin)
        guard let program = dlopen(nil, RTLD_NOW) else { return false }
        defer { dlclose(program) }
        return dlsym(program, symbol) != nil
        #else
        return false
        #endif
    }
}

extension Duration {
    /// This time limit as it applies to this process: unchanged in a normal build, stretched by
    /// ``SanitizerOverhead/timeFactor`` under a sanitizer.
    public var allowingForSanitizers: Duration {
        self * SanitizerOverhead.timeFactor
    }
}

extension TimeAmount {
    /// This time limit as it applies to this process: unchanged in a normal build, stretched by
    /// ``SanitizerOverhead/timeFactor`` under a sanitizer.
    public var allowingForSanitizers: TimeAmount {
        self * Int64(SanitizerOverhead.timeFactor)
    }
}

extension Int {
    /// This bound on resident memory, in bytes, as it applies to this process: unchanged in a
    /// normal build, stretched by ``SanitizerOverhead/memoryFactor`` under a sanitizer.
    public var bytesAllowingForSanitizers: Int {
        self * SanitizerOverhead.memoryFactor
    }
}
