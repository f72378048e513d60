extension DeviceCloudProtocolError {
    /// The `.malformedDocument` error both document scanners raise: `what` went wrong at byte
    /// `index` of a `context` document, showing the byte found there (`nil` when the input ended
    /// at `end`).
    @inline(never)
    static func malformedDocument(_ context: String, _ what: String, at index: Int, end: Int, found byte: UInt8?) -> DeviceCloudProtocolError {
        guard let byte else {
            return DeviceCloudProtocolError(.malformedDocument, "\(context): unexpected end of input at byte \(end) (\(what))")
        }
        let shown: String
        if byte >= 0x20 && byte < 0x7F {
            shown = "'\(Character(Unicode.Scalar(byte)))'"
        } else {
            shown = "0x" + String(byte, radix: 16, uppercase: true)
        }
        return DeviceCloudProtocolError(.malformedDocument, "\(context): \(what) at byte \(index), found \(shown)")
    }
}
