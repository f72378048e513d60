/// Interning of the common operation spellings so the hot path allocates nothing for them.
extension MonitorEvent.Operation {
    /// Returns the operation spelled by `bytes[start..<end]`: one of the shared constants when
    /// the bytes are `INSERTION`, `UPDATE` or `DELETE` in any ASCII case, otherwise a new value.
    @inline(__always)
    static func interned(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> MonitorEvent.Operation {
        switch end - start {
        case 9 where asciiCaseInsensitiveEqual(bytes, start, "INSERTION"):
            return .insertion
        case 6 where asciiCaseInsensitiveEqual(bytes, start, "UPDATE"):
            return .update
        case 6 where asciiCaseInsensitiveEqual(bytes, start, "DELETE"):
            return .delete
        default:
            return MonitorEvent.Operation(
                rawValue: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            )
        }
    }

    /// Compares bytes at `start` with `upperCaseLetters` (A–Z only), ignoring ASCII case.
    /// The caller guarantees `upperCaseLetters.utf8CodeUnitCount` bytes are readable.
    @inline(__always)
    private static func asciiCaseInsensitiveEqual(
        _ bytes: UnsafeRawBufferPointer,
        _ start: Int,
        _ upperCaseLetters: StaticString
    ) -> Bool {
        let letters = UnsafeRawBufferPointer(
            start: upperCaseLetters.utf8Start,
            count: upperCaseLetters.utf8CodeUnitCount
        )
        for k in 0..<letters.count where bytes[start + k] & 0xDF != letters[k] {
            // Clearing bit 5 maps exactly `x` and `X` onto `X` for a letter `X`.
            return false
        }
        return true
    }
}
