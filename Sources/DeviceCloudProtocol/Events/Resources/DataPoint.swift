/// A sample of a data stream: the resource of `DataPoint` events.
///
/// Decodes from a push event's JSON body,
/// `{"cstId":7603,"data":0.4117,"id":"684572e0-…","streamId":"test","timestamp":1434307047694,…}`,
/// and from its XML form, `<DataPoint><streamId>test</streamId><data>0.4117</data>…</DataPoint>`
/// (use ``MonitorEvent/decode(_:)``).
///
/// Decoding is lenient where the service's formats differ: numbers may also arrive as numeric
/// strings, and ``timestamp``/``serverTimestamp`` as epoch milliseconds or as ISO-8601 text
/// (both are stored as milliseconds since 1970). Encoding writes the JSON shape of push events.
public struct DataPoint: Sendable, Hashable, Codable {
    /// The value of a data point, kept in the type it arrived as.
    ///
    /// JSON numbers become ``integer(_:)`` when integral and in range, ``double(_:)``
    /// otherwise; JSON strings become ``string(_:)`` (also when they look numeric) and JSON
    /// Booleans ``bool(_:)``. XML carries only text, so XML text that reads as an integer,
    /// a finite decimal number or `true`/`false` takes that type, and anything else is a string.
    /// Compare ``DataPoint/streamType`` when the exact type matters.
    public enum Value: Sendable, Hashable, Codable, CustomStringConvertible {
        /// An integral number.
        case integer(Int64)
        /// A floating-point number.
        case double(Double)
        /// Text.
        case string(String)
        /// A Boolean.
        case bool(Bool)

        /// The value as a `Double` when it is a number or numeric text.
        public var doubleValue: Double? {
            switch self {
            case .integer(let value): Double(value)
            case .double(let value): value
            case .string(let value): Double(value)
            case .bool: nil
            }
        }

        /// The value as an `Int64` when it is an integer, integral text or an integral double.
        public var integerValue: Int64? {
            switch self {
            case .integer(let value): value
            case .double(let value): Int64(exactly: value)
            case .string(let value): Int64(value)
            case .bool: nil
            }
        }

        /// The value as text: strings as they are, numbers and Booleans in their usual spelling.
        public var description: String {
            switch self {
            case .integer(let value): String(value)
            case .double(let value): String(value)
            case .string(let value): value
            case .bool(let value): String(value)
            }
        }

        /// Decodes a JSON number, string or Boolean (or XML text, see the type's documentation).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int64.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .double(value)
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        /// Encodes the value as a number, string or Boolean.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .integer(let value): try container.encode(value)
            case .double(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            }
        }
    }

    /// A geographic position attached to a data point.
    ///
    /// Decodes from the text form `"latitude,longitude[,elevation]"` used by the service's
    /// XML (and by JSON as a string), or from an object with `latitude`, `longitude` and
    /// `elevation` members. Encodes as the text form.
    public struct Location: Sendable, Hashable, Codable {
        /// Degrees north.
        public var latitude: Double
        /// Degrees east.
        public var longitude: Double
        /// Metres, when given.
        public var elevation: Double?

        /// Creates a location.
        public init(latitude: Double, longitude: Double, elevation: Double? = nil) {
            self.latitude = latitude
            self.longitude = longitude
            self.elevation = elevation
        }

        private enum CodingKeys: String, CodingKey {
            case latitude, longitude, elevation
        }

        /// Decodes the text or the object form.
        public init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self),
                !text.trimmingXMLWhitespace().isEmpty
            {
                let parts = text.split(separator: ",").map { Double(xmlText: String($0)) }
                guard parts.count == 2 || parts.count == 3, let latitude = parts[0], let longitude = parts[1] else {
                    throw DecodingError.dataCorrupted(
                        .init(
                            codingPath: decoder.codingPath,
                            debugDescription: "expected \"latitude,longitude[,elevation]\"")
                    )
                }
                self.init(latitude: latitude, longitude: longitude, elevation: parts.count == 3 ? parts[2] : nil)
                if parts.count == 3 && self.elevation == nil {
                    throw DecodingError.dataCorrupted(
                        .init(codingPath: decoder.codingPath, debugDescription: "invalid elevation")
                    )
                }
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard
                let latitude = try container.decodeLenientIfPresent(Double.self, forKey: .latitude),
                let longitude = try container.decodeLenientIfPresent(Double.self, forKey: .longitude)
            else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "a location needs latitude and longitude")
                )
            }
            self.init(
                latitude: latitude,
                longitude: longitude,
                elevation: try container.decodeLenientIfPresent(Double.self, forKey: .elevation)
            )
        }

        /// Encodes `"latitude,longitude[,elevation]"`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            var text = "\(self.latitude),\(self.longitude)"
            if let elevation = self.elevation {
                text += ",\(elevation)"
            }
            try container.encode(text)
        }
    }

    /// The data point's unique id (a UUID string), assigned by the service.
    public var id: String?
    /// The owning account (customer) id.
    public var cstId: Int?
    /// The data stream the point belongs to, e.g. `test` or `00000000-00000000-00409DFF-FF458726/temp`.
    public var streamId: String
    /// The sampled value.
    public var data: Value?
    /// Free text.
    public var description: String?
    /// A quality indicator chosen by the writer (the service does not interpret it).
    public var quality: Int?
    /// When the sample was taken, in milliseconds since 1970.
    public var timestamp: Int64?
    /// When the service stored the sample, in milliseconds since 1970.
    public var serverTimestamp: Int64?
    /// The units of the stream, e.g. `C`.
    public var streamUnits: String?
    /// The stream's data type as the service names it, e.g. `DOUBLE`, `INTEGER`, `STRING`.
    public var streamType: String?
    /// Where the sample was taken.
    public var location: Location?

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a data point; only the stream is required.
    public init(
        id: String? = nil,
        cstId: Int? = nil,
        streamId: String,
        data: Value? = nil,
        description: String? = nil,
        quality: Int? = nil,
        timestamp: Int64? = nil,
        serverTimestamp: Int64? = nil,
        streamUnits: String? = nil,
        streamType: String? = nil,
        location: Location? = nil
    ) {
        self.id = id
        self.cstId = cstId
        self.streamId = streamId
        self.data = data
        self.description = description
        self.quality = quality
        self.timestamp = timestamp
        self.serverTimestamp = serverTimestamp
        self.streamUnits = streamUnits
        self.streamType = streamType
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case id, cstId, streamId, data, description, quality, timestamp, serverTimestamp, streamUnits, streamType,
            location
    }

    /// Decodes a data point from a JSON or XML resource body.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let streamId = try container.decodeLenientIfPresent(String.self, forKey: .streamId) else {
            throw DecodingError.keyNotFound(
                CodingKeys.streamId,
                .init(codingPath: decoder.codingPath, debugDescription: "a DataPoint needs a streamId")
            )
        }
        self.init(
            id: try container.decodeLenientIfPresent(String.self, forKey: .id),
            cstId: try container.decodeLenientIfPresent(Int.self, forKey: .cstId),
            streamId: streamId,
            data: try container.decodeIfPresent(Value.self, forKey: .data),
            description: try container.decodeLenientIfPresent(String.self, forKey: .description),
            quality: try container.decodeLenientIfPresent(Int.self, forKey: .quality),
            timestamp: try container.decodeEpochMillisecondsIfPresent(forKey: .timestamp),
            serverTimestamp: try container.decodeEpochMillisecondsIfPresent(forKey: .serverTimestamp),
            streamUnits: try container.decodeLenientIfPresent(String.self, forKey: .streamUnits),
            streamType: try container.decodeLenientIfPresent(String.self, forKey: .streamType),
            location: try container.decodeIfPresent(Location.self, forKey: .location)
        )
    }
}
