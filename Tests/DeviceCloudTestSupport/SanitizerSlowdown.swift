public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many times slower this test process runs than a normal build: 1, or more when it was built
/// with a sanitizer (`swift test --sanitize=thread` or `=address`).
///
/// A sanitizer checks every memory access (and ThreadSanitizer every synchronisation), which
/// slows the code several times over; a limit that guards a normal run against a hang, or a time
/// a normal run promises ("within 100 ms"), would then fail for the instrumentation's sake. The
/// sanitizer runs look for races and memory errors, and stretch every time limit by this factor;
/// the normal suite keeps its limits exactly. The factor comes from the sanitizer's own runtime
/// being linked in, never from a setting a run could pass.
public enum SanitizerSlowdown {
    /// 1 in a normal build, 10 under ThreadSanitizer, 4 under AddressSanitizer.
    public static let factor: Int = {
        if isLinked("__tsan_init") { return 10 }
        if isLinked("__asan_init") { return 4 }
        return 1
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
    /// ``SanitizerSlowdown/factor`` under a sanitizer.
    public var allowingForSanitizers: Duration {
        self * SanitizerSlowdown.factor
    }
}

extension TimeAmount {
    /// This time limit as it applies to this process: unchanged in a normal build, stretched by
    /// ``SanitizerSlowdown/factor`` under a sanitizer.
    public var allowingForSanitizers: TimeAmount {
        self * Int64(SanitizerSlowdown.factor)
    }
}
