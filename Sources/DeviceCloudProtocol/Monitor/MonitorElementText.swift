import Foundation

/// Conversions between typed values and the text of `/ws/Monitor` elements.
enum MonitorElementText {
    static func integer(_ text: String) -> Int? {
        Int(text.trimmingBlanks())
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.trimmingBlanks().lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    static func text(_ flag: Bool) -> String { flag ? "true" : "false" }

    /// Whole seconds, for `monBatchDuration`.
    static func seconds(_ duration: Duration, element: String) throws(DeviceCloudProtocolError) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds == 0 else {
            throw DeviceCloudProtocolError(
                .invalidElementValue,
                "\(element) is a whole, non-negative number of seconds; \(duration) is not"
            )
        }
        return String(seconds)
    }

    /// Whole milliseconds, for `monConnectTimeout` and `monResponseTimeout`.
    static func milliseconds(_ duration: Duration, element: String) throws(DeviceCloudProtocolError) -> String {
        let (seconds, attoseconds) = duration.components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        guard seconds >= 0, attoseconds >= 0, attoseconds % attosecondsPerMillisecond == 0 else {
            throw DeviceCloudProtocolError(
                .invalidElementValue,
                "\(element) is a whole, non-negative number of milliseconds; \(duration) is not"
            )
        }
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else {
            throw DeviceCloudProtocolError(.invalidElementValue, "\(element) is too large")
        }
        return String(milliseconds + attoseconds / attosecondsPerMillisecond)
    }

    /// A timestamp as the service writes it: ISO-8601 in UTC, milliseconds only when not zero.
    ///
    /// Written in the proleptic Gregorian calendar, as ``date(_:)`` reads it, so that every
    /// date reads back as itself (Foundation's ISO-8601 style switches to the Julian calendar
    /// before October 1582).
    static func timestamp(_ date: Date) -> String {
        guard let milliseconds = Int64(exactly: (date.timeIntervalSince1970 * 1000).rounded()) else {
            // Not a date any reader takes (not finite, or hundreds of millions of years away).
            return date.formatted(Date.ISO8601FormatStyle())
        }
        return ResourceTimestamp.iso8601(epochMilliseconds: milliseconds)
    }

    /// A timestamp from ISO-8601 text (or epoch milliseconds).
    static func date(_ text: String) -> Date? {
        ResourceTimestamp.date(fromText: text)
    }

    /// The text with `&`, `<`, `>`, `"`, `'` escaped and carriage returns written as `&#13;` (so
    /// they survive XML's line-end normalisation), or `nil` when it holds a character XML 1.0
    /// cannot carry.
    static func xmlEscaped(_ text: String) -> String? {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\r": escaped += "&#13;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            default:
                guard Self.isXMLCharacter(scalar) else { return nil }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Whether XML 1.0 allows the character in text.
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
