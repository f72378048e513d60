import Foundation
import NIOCore

extension MonitorEvent {
    /// Decodes the resource in ``body`` as `type`, e.g. ``DataPoint`` or ``DeviceCore``.
    ///
    /// JSON bodies are decoded with Foundation's `JSONDecoder`; XML bodies with this library's
    /// element decoder, where each child element (or attribute) is a keyed value and its text
    /// the scalar, so one model type decodes from both formats. `Date` values are read from
    /// ISO-8601 strings (`2015-06-14T18:37:27.815Z`; fractional seconds and offset optional,
    /// UTC assumed without one) or from numbers of milliseconds since 1970, in both formats.
    ///
    /// ```swift
    /// if event.resourceType == "DataPoint" {
    ///     let point = try event.decode(DataPoint.self)
    ///     print(point.streamId, point.data?.doubleValue ?? .nan)
    /// }
    /// ```
    ///
    /// - Parameter type: The type to decode; inferred from the context when omitted.
    /// - Returns: The decoded resource.
    /// - Throws: ``DeviceCloudProtocolError`` with code ``DeviceCloudProtocolError/Code/unsupportedResourceDecoding``
    ///   whose message describes the `DecodingError` (what was expected and where).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws(DeviceCloudProtocolError) -> T {
        switch self.format {
        case .json:
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom(ResourceTimestamp.decodeDate)
            do {
                return try decoder.decode(T.self, from: Data(self.body.readableBytesView))
            } catch {
                throw DeviceCloudProtocolError(
                    .unsupportedResourceDecoding,
                    "cannot decode \(T.self) from the JSON \(self.resourceType): "
                        + ResourceDecodingErrorDescription.describe(error)
                )
            }
        case .xml:
            return try XMLResourceDecoder().decode(T.self, from: self.body)
        }
    }

    /// The resource body as text (UTF-8; invalid sequences become U+FFFD).
    public var bodyString: String {
        String(buffer: self.body)
    }
}

// MARK: - Error descriptions

/// Human-readable text for decoding failures.
enum ResourceDecodingErrorDescription {
    static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else {
            return String(describing: error)
        }
        func path(_ context: DecodingError.Context) -> String {
            let components = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            return components.isEmpty ? "the top level" : components.joined(separator: ".")
        }
        func detail(_ context: DecodingError.Context) -> String {
            var text = context.debugDescription
            if let underlying = context.underlyingError {
                text += " (\(underlying))"
            }
            return text
        }
        switch decodingError {
        case .typeMismatch(let type, let context):
            return "type mismatch at \(path(context)): expected \(type); \(detail(context))"
        case .valueNotFound(let type, let context):
            return "missing value at \(path(context)): expected \(type); \(detail(context))"
        case .keyNotFound(let key, let context):
            return "missing key \"\(key.stringValue)\" at \(path(context)); \(detail(context))"
        case .dataCorrupted(let context):
            return "invalid data at \(path(context)): \(detail(context))"
        @unknown default:
            return String(describing: decodingError)
        }
    }
}

// MARK: - Timestamps

/// Reading of the service's timestamps: ISO-8601 strings and epoch milliseconds.
package enum ResourceTimestamp {
    /// The `JSONDecoder` date strategy: an ISO-8601 string, a numeric string or a number of
    /// milliseconds since 1970.
    @Sendable
    static func decodeDate(_ decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        if let milliseconds = try? container.decode(Int64.self) {
            return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        }
        if let milliseconds = try? container.decode(Double.self) {
            return Date(timeIntervalSince1970: milliseconds / 1000)
        }
        let text = try container.decode(String.self)
        guard let date = Self.date(fromText: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected an ISO-8601 timestamp or epoch milliseconds, found \"\(text)\""
            )
        }
        return date
    }

    /// A date from text holding an ISO-8601 timestamp or integer epoch milliseconds.
    static func date(fromText text: String) -> Date? {
        guard let milliseconds = Self.epochMilliseconds(fromText: text) else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Epoch milliseconds from text holding integer milliseconds or an ISO-8601 timestamp.
    package static func epochMilliseconds(fromText text: String) -> Int64? {
        let trimmed = text.trimmingXMLWhitespace()
        if let milliseconds = Int64(trimmed) {
            return milliseconds
        }
        return Self.epochMilliseconds(iso8601: trimmed.utf8)
    }

    /// Parses `YYYY-MM-DDThh:mm[:ss[.fff…]][Z|±hh[:mm]]` (a space may replace `T`; no zone
    /// means UTC) into milliseconds since 1970.
    static func epochMilliseconds(iso8601 text: Substring.UTF8View) -> Int64? {
        let bytes = Array(text)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard bytes.count - i >= digits else { return nil }
            var value = 0
            for _ in 0..<digits {
                let b = bytes[i]
                guard b >= 0x30 && b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
                i += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            i < bytes.count, bytes[i] == 0x54 || bytes[i] == 0x74 || bytes[i] == 0x20
        else { return nil }
        i += 1
        guard let hour = number(2), expect(0x3A), let minute = number(2) else { return nil }
        var second = 0
        var millisecond = 0
        if expect(0x3A) {
            guard let s = number(2) else { return nil }
            second = s
            if i < bytes.count && (bytes[i] == 0x2E || bytes[i] == 0x2C) {
                i += 1
                var scale = 100
                var digits = 0
                while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                    millisecond += Int(bytes[i] - 0x30) * scale
                    scale /= 10
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        var offsetMinutes = 0
        if i < bytes.count {
            switch bytes[i] {
            case 0x5A, 0x7A:  // Z
                i += 1
            case 0x2B, 0x2D:  // + -
                let sign = bytes[i] == 0x2D ? -1 : 1
                i += 1
                guard let hours = number(2) else { return nil }
                var minutes = 0
                if i < bytes.count {
                    _ = expect(0x3A)
                    guard let m = number(2) else { return nil }
                    minutes = m
                }
                guard hours <= 23, minutes <= 59 else { return nil }
                offsetMinutes = sign * (hours * 60 + minutes)
            default:
                return nil
            }
        }
        guard i == bytes.count, (1...12).contains(month), day >= 1, day <= Self.daysInMonth(month, year: year),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - offsetMinutes * 60
        return Int64(seconds) * 1000 + Int64(millisecond)
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DDThh:mm:ss[.fff]Z` for milliseconds since 1970, in the proleptic Gregorian
    /// calendar that ``epochMilliseconds(iso8601:)`` reads; the fraction only when not zero.
    static func iso8601(epochMilliseconds: Int64) -> String {
        let millisecondsPerDay: Int64 = 86_400_000
        let (quotient, remainder) = epochMilliseconds.quotientAndRemainder(dividingBy: millisecondsPerDay)
        let days = remainder < 0 ? quotient - 1 : quotient
        let ofDay = Int(epochMilliseconds - days * millisecondsPerDay)
        let (year, month, day) = Self.civilFromDays(Int(days))
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value.magnitude)
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
        text += "T" + padded(ofDay / 3_600_000, 2) + ":" + padded(ofDay / 60_000 % 60, 2) + ":" + padded(ofDay / 1000 % 60, 2)
        if ofDay % 1000 != 0 {
            text += "." + padded(ofDay % 1000, 3)
        }
        return text + "Z"
    }

    /// The proleptic Gregorian date of a number of days since 1970-01-01 (H. Hinnant's
    /// algorithm, the inverse of ``daysFromCivil(year:month:day:)``).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

// MARK: - Lenient field decoding for the resource models

extension KeyedDecodingContainer {
    /// An integer that may also arrive as a numeric string (e.g. from the `/ws` JSON API).
    func decodeLenientIfPresent<T: FixedWidthInteger & Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try self.decodeLenientIfPresent(key, expecting: "an integer or a numeric string") {
            (try? self.decode(String.self, forKey: key)).flatMap { T($0.trimmingXMLWhitespace()) }
        }
    }

    /// A floating-point number that may also arrive as a numeric string.
    func decodeLenientIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try self.decodeLenientIfPresent(key, expecting: "a number or a numeric string") {
            (try? self.decode(String.self, forKey: key)).flatMap { Double(xmlText: $0) }
        }
    }

    /// A Boolean that may also arrive as `"true"`/`"false"`/`"1"`/`"0"` or `1`/`0`.
    func decodeLenientIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try self.decodeLenientIfPresent(key, expecting: "a Boolean") {
            if let number = try? self.decode(Int.self, forKey: key), number == 0 || number == 1 {
                return number == 1
            }
            return (try? self.decode(String.self, forKey: key)).flatMap { Bool(xmlText: $0) }
        }
    }

    /// `T` at `key` as the decoder reads it, else what `alternative` makes of the value;
    /// `nil` when the key is absent or null.
    private func decodeLenientIfPresent<T: Decodable>(
        _ key: Key,
        expecting expected: String,
        or alternative: () -> T?
    ) throws -> T? {
        guard self.contains(key), try !self.decodeNil(forKey: key) else { return nil }
        if let value = try? self.decode(T.self, forKey: key) {
            return value
        }
        if let value = alternative() {
            return value
        }
        throw DecodingError.typeMismatch(
            T.self,
            .init(codingPath: self.codingPath + [key], debugDescription: "expected \(expected)")
        )
    }

    /// A string that may also arrive as a number (kept as written by the decoder).
    func decodeLenientIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard self.contains(key), try !self.decodeNil(forKey: key) else {
            // An empty XML element is the empty string, not nil.
            return try self.decodeIfPresent(String.self, forKey: key)
        }
        if let value = try? self.decode(String.self, forKey: key) {
            return value
        }
        if let number = try? self.decode(Int64.self, forKey: key) {
            return String(number)
        }
        if let number = try? self.decode(Double.self, forKey: key) {
            return String(number)
        }
        if let flag = try? self.decode(Bool.self, forKey: key) {
            return String(flag)
        }
        throw DecodingError.typeMismatch(
            String.self,
            .init(codingPath: self.codingPath + [key], debugDescription: "expected a string")
        )
    }

    /// A timestamp as epoch milliseconds: a number, a numeric string or an ISO-8601 string.
    func decodeEpochMillisecondsIfPresent(forKey key: Key) throws -> Int64? {
        guard self.contains(key), try !self.decodeNil(forKey: key) else { return nil }
        if let value = try? self.decode(Int64.self, forKey: key) {
            return value
        }
        if let value = try? self.decode(Double.self, forKey: key), value.isFinite,
            abs(value) < 9.2e18
        {
            return Int64(value.rounded())
        }
        if let text = try? self.decode(String.self, forKey: key),
            let value = ResourceTimestamp.epochMilliseconds(fromText: text)
        {
            return value
        }
        throw DecodingError.typeMismatch(
            Int64.self,
            .init(
                codingPath: self.codingPath + [key],
                debugDescription: "expected epoch milliseconds or an ISO-8601 timestamp"
            )
        )
    }
}
