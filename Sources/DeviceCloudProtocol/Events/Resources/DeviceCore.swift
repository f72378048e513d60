/// A device's inventory record: the resource of `DeviceCore` events.
///
/// Decodes from the JSON body of a push event (as in the service's real captures,
/// `{"id":{"devId":6283,"devVersion":0},"devMac":"00:40:9D:45:87:26","cstId":1654,
/// "devConnectwareId":"00000000-00000000-00409DFF-FF458726","dpConnectionStatus":0,
/// "devTerminated":false,…}`) and from the XML form with the same element names
/// (use ``MonitorEvent/decode(_:)``). Only ``id`` is required; every other field is optional
/// because the service omits what is unset. Numbers and Booleans are also accepted as text;
/// dates are kept as the ISO-8601 text the service sends.
public struct DeviceCore: Sendable, Hashable, Codable {
    /// The identity of a device record: `{"devId": 6283, "devVersion": 0}`.
    public struct Identifier: Sendable, Hashable, Codable {
        /// The device's numeric id.
        public var devId: Int
        /// The version of the record (0 for the current one).
        public var devVersion: Int?

        /// Creates an identifier.
        public init(devId: Int, devVersion: Int? = nil) {
            self.devId = devId
            self.devVersion = devVersion
        }

        private enum CodingKeys: String, CodingKey {
            case devId, devVersion
        }

        /// Decodes `devId` (required) and `devVersion`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard let devId = try container.decodeLenientIfPresent(Int.self, forKey: .devId) else {
                throw DecodingError.keyNotFound(
                    CodingKeys.devId,
                    .init(codingPath: decoder.codingPath, debugDescription: "a device id needs devId")
                )
            }
            self.init(devId: devId, devVersion: try container.decodeLenientIfPresent(Int.self, forKey: .devVersion))
        }
    }
    // A plain record of its own fields; alike in shape to other records, not in meaning.
    /// The device's identity; always present in the service's documents.
    public var id: Identifier
    /// The owning account (customer) id.
    public var cstId: Int?
    /// The id of the device's group.
    public var grpId: Int?
    /// The path of the device's group, e.g. `plant7/line2`.
    public var grpPath: String?
    /// The device id, e.g. `00000000-00000000-00409DFF-FF458726`.
    public var devConnectwareId: String?
    /// The MAC address, e.g. `00:40:9D:45:87:26`.
    public var devMac: String?
    /// The IMEI or ESN of a cellular device.
    public var devCellularModemId: String?
    /// When this version of the record became effective (ISO-8601, as sent).
    public var devEffectiveStartDate: String?
    /// When the device was added (ISO-8601, as sent).
    public var devRecordStartDate: String?
    /// Whether the device record was removed.
    public var devTerminated: Bool?
    /// The product type, e.g. `ConnectPort X4` (`unknown` until it connects).
    public var dpDeviceType: String?
    /// `1` when the device is connected, `0` when not.
    public var dpConnectionStatus: Int?
    /// Restriction state (0 unrestricted, 1 restricted, 2 untrusted, …).
    public var dpRestrictedStatus: Int?
    /// A bit set of the device's capabilities.
    public var dpCapabilities: Int?
    /// The firmware version as an integer.
    public var dpFirmwareLevel: Int?
    /// The firmware version as text, e.g. `2.13.0.4`.
    public var dpFirmwareLevelDesc: String?
    /// The user's description.
    public var dpDescription: String?
    /// The user's contact text.
    public var dpContact: String?
    /// The user's location text.
    public var dpLocation: String?
    /// Latitude, degrees.
    public var dpMapLat: Double?
    /// Longitude, degrees.
    public var dpMapLong: Double?
    /// Comma-separated tags.
    public var dpTags: String?
    /// The last known (private) IP address.
    public var dpLastKnownIp: String?
    /// The last known public IP address.
    public var dpGlobalIp: String?
    /// When the device last connected (ISO-8601, as sent).
    public var dpLastConnectTime: String?
    /// When the device last disconnected (ISO-8601, as sent).
    public var dpLastDisconnectTime: String?
    /// When the record last changed (ISO-8601, as sent).
    public var dpLastUpdateTime: String?
    /// The service node the device is connected to.
    public var dpServerId: String?
    /// A bit set of ZigBee capabilities.
    public var dpZigbeeCapabilities: Int?
    /// The ZigBee PAN id.
    public var dpPanId: String?
    /// The ZigBee extended address.
    public var xpExtAddr: String?
    /// Free-form metadata set by the user.
    public var dpUserMetaData: String?

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a device record; only the identity is required.
    public init(
        id: Identifier,
        cstId: Int? = nil,
        grpId: Int? = nil,
        grpPath: String? = nil,
        devConnectwareId: String? = nil,
        devMac: String? = nil,
        devCellularModemId: String? = nil,
        devEffectiveStartDate: String? = nil,
        devRecordStartDate: String? = nil,
        devTerminated: Bool? = nil,
        dpDeviceType: String? = nil,
        dpConnectionStatus: Int? = nil,
        dpRestrictedStatus: Int? = nil,
        dpCapabilities: Int? = nil,
        dpFirmwareLevel: Int? = nil,
        dpFirmwareLevelDesc: String? = nil,
        dpDescription: String? = nil,
        dpContact: String? = nil,
        dpLocation: String? = nil,
        dpMapLat: Double? = nil,
        dpMapLong: Double? = nil,
        dpTags: String? = nil,
        dpLastKnownIp: String? = nil,
        dpGlobalIp: String? = nil,
        dpLastConnectTime: String? = nil,
        dpLastDisconnectTime: String? = nil,
        dpLastUpdateTime: String? = nil,
        dpServerId: String? = nil,
        dpZigbeeCapabilities: Int? = nil,
        dpPanId: String? = nil,
        xpExtAddr: String? = nil,
        dpUserMetaData: String? = nil
    ) {
        self.id = id
        self.cstId = cstId
        self.grpId = grpId
        self.grpPath = grpPath
        self.devConnectwareId = devConnectwareId
        self.devMac = devMac
        self.devCellularModemId = devCellularModemId
        self.devEffectiveStartDate = devEffectiveStartDate
        self.devRecordStartDate = devRecordStartDate
        self.devTerminated = devTerminated
        self.dpDeviceType = dpDeviceType
        self.dpConnectionStatus = dpConnectionStatus
        self.dpRestrictedStatus = dpRestrictedStatus
        self.dpCapabilities = dpCapabilities
        self.dpFirmwareLevel = dpFirmwareLevel
        self.dpFirmwareLevelDesc = dpFirmwareLevelDesc
        self.dpDescription = dpDescription
        self.dpContact = dpContact
        self.dpLocation = dpLocation
        self.dpMapLat = dpMapLat
        self.dpMapLong = dpMapLong
        self.dpTags = dpTags
        self.dpLastKnownIp = dpLastKnownIp
        self.dpGlobalIp = dpGlobalIp
        self.dpLastConnectTime = dpLastConnectTime
        self.dpLastDisconnectTime = dpLastDisconnectTime
        self.dpLastUpdateTime = dpLastUpdateTime
        self.dpServerId = dpServerId
        self.dpZigbeeCapabilities = dpZigbeeCapabilities
        self.dpPanId = dpPanId
        self.xpExtAddr = xpExtAddr
        self.dpUserMetaData = dpUserMetaData
    }

    private enum CodingKeys: String, CodingKey {
        case id, cstId, grpId, grpPath, devConnectwareId, devMac, devCellularModemId, devEffectiveStartDate,
            devRecordStartDate, devTerminated, dpDeviceType, dpConnectionStatus, dpRestrictedStatus, dpCapabilities,
            dpFirmwareLevel, dpFirmwareLevelDesc, dpDescription, dpContact, dpLocation, dpMapLat, dpMapLong,
            dpTags, dpLastKnownIp, dpGlobalIp, dpLastConnectTime, dpLastDisconnectTime, dpLastUpdateTime,
            dpServerId, dpZigbeeCapabilities, dpPanId, xpExtAddr, dpUserMetaData
    }

    /// Decodes a device record from a JSON or XML resource body.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(Identifier.self, forKey: .id)
        self.cstId = try container.decodeLenientIfPresent(Int.self, forKey: .cstId)
        self.grpId = try container.decodeLenientIfPresent(Int.self, forKey: .grpId)
        self.grpPath = try container.decodeLenientIfPresent(String.self, forKey: .grpPath)
        self.devConnectwareId = try container.decodeLenientIfPresent(String.self, forKey: .devConnectwareId)
        self.devMac = try container.decodeLenientIfPresent(String.self, forKey: .devMac)
        self.devCellularModemId = try container.decodeLenientIfPresent(String.self, forKey: .devCellularModemId)
        self.devEffectiveStartDate = try container.decodeLenientIfPresent(String.self, forKey: .devEffectiveStartDate)
        self.devRecordStartDate = try container.decodeLenientIfPresent(String.self, forKey: .devRecordStartDate)
        self.devTerminated = try container.decodeLenientIfPresent(Bool.self, forKey: .devTerminated)
        self.dpDeviceType = try container.decodeLenientIfPresent(String.self, forKey: .dpDeviceType)
        self.dpConnectionStatus = try container.decodeLenientIfPresent(Int.self, forKey: .dpConnectionStatus)
        self.dpRestrictedStatus = try container.decodeLenientIfPresent(Int.self, forKey: .dpRestrictedStatus)
        self.dpCapabilities = try container.decodeLenientIfPresent(Int.self, forKey: .dpCapabilities)
        self.dpFirmwareLevel = try container.decodeLenientIfPresent(Int.self, forKey: .dpFirmwareLevel)
        self.dpFirmwareLevelDesc = try container.decodeLenientIfPresent(String.self, forKey: .dpFirmwareLevelDesc)
        self.dpDescription = try container.decodeLenientIfPresent(String.self, forKey: .dpDescription)
        self.dpContact = try container.decodeLenientIfPresent(String.self, forKey: .dpContact)
        self.dpLocation = try container.decodeLenientIfPresent(String.self, forKey: .dpLocation)
        self.dpMapLat = try container.decodeLenientIfPresent(Double.self, forKey: .dpMapLat)
        self.dpMapLong = try container.decodeLenientIfPresent(Double.self, forKey: .dpMapLong)
        self.dpTags = try container.decodeLenientIfPresent(String.self, forKey: .dpTags)
        self.dpLastKnownIp = try container.decodeLenientIfPresent(String.self, forKey: .dpLastKnownIp)
        self.dpGlobalIp = try container.decodeLenientIfPresent(String.self, forKey: .dpGlobalIp)
        self.dpLastConnectTime = try container.decodeLenientIfPresent(String.self, forKey: .dpLastConnectTime)
        self.dpLastDisconnectTime = try container.decodeLenientIfPresent(String.self, forKey: .dpLastDisconnectTime)
        self.dpLastUpdateTime = try container.decodeLenientIfPresent(String.self, forKey: .dpLastUpdateTime)
        self.dpServerId = try container.decodeLenientIfPresent(String.self, forKey: .dpServerId)
        self.dpZigbeeCapabilities = try container.decodeLenientIfPresent(Int.self, forKey: .dpZigbeeCapabilities)
        self.dpPanId = try container.decodeLenientIfPresent(String.self, forKey: .dpPanId)
        self.xpExtAddr = try container.decodeLenientIfPresent(String.self, forKey: .xpExtAddr)
        self.dpUserMetaData = try container.decodeLenientIfPresent(String.self, forKey: .dpUserMetaData)
    }
}
