public import Foundation

/// A file or directory in the account's file storage: the resource of `FileData` events.
///
/// Decodes from the JSON body of a push event and from its XML form, which use the same
/// element names: `{"id":{"fdPath":"/db/7603/","fdName":"x.txt"},"fdSize":5,
/// "fdContentType":"text/plain","fdData":"aGVsbG8=",…}` (use ``MonitorEvent/decode(_:)``).
/// Only ``id`` is required. The service leaves ``fdData`` out of events for large files
/// (FileData events are not published at all for files over 120 KB). Numbers are also
/// accepted as text; dates are kept as the ISO-8601 text the service sends.
public struct FileData: Sendable, Hashable, Codable {
    /// The identity of a file: its folder path and its name.
    public struct Identifier: Sendable, Hashable, Codable {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        /// The folder, e.g. `/db/7603/00000000-00000000-00409DFF-FF458726/`.
        public var fdPath: String
        /// The file name, e.g. `status.xml`.
        public var fdName: String

        /// Creates an identifier.
        public init(fdPath: String, fdName: String) {
            self.fdPath = fdPath
            self.fdName = fdName
        }
    }

    // A plain record of its own fields; alike in shape to other records, not in meaning.
    /// The file's folder and name.
    public var id: Identifier
    /// The owning account (customer) id.
    public var cstId: Int?
    /// The MIME type, e.g. `text/plain`.
    public var fdContentType: String?
    /// `file` or `directory`.
    public var fdType: String?
    /// The size in bytes.
    public var fdSize: Int?
    /// When the file was created (ISO-8601, as sent).
    public var fdCreatedDate: String?
    /// When the file last changed (ISO-8601, as sent).
    public var fdLastModifiedDate: String?
    /// The id of the parent folder.
    public var fdParentId: Int?
    /// A content hash, when the service reports one.
    public var fdHash: String?
    /// The content, Base64-encoded (see ``content``); absent when the event omits it.
    public var fdData: String?

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a file record; only the identity is required.
    public init(
        id: Identifier,
        cstId: Int? = nil,
        fdContentType: String? = nil,
        fdType: String? = nil,
        fdSize: Int? = nil,
        fdCreatedDate: String? = nil,
        fdLastModifiedDate: String? = nil,
        fdParentId: Int? = nil,
        fdHash: String? = nil,
        fdData: String? = nil
    ) {
        self.id = id
        self.cstId = cstId
        self.fdContentType = fdContentType
        self.fdType = fdType
        self.fdSize = fdSize
        self.fdCreatedDate = fdCreatedDate
        self.fdLastModifiedDate = fdLastModifiedDate
        self.fdParentId = fdParentId
        self.fdHash = fdHash
        self.fdData = fdData
    }

    /// The decoded content of ``fdData``, or `nil` when it is absent or not valid Base64.
    /// Line breaks and other characters outside the Base64 alphabet are ignored.
    public var content: Data? {
        self.fdData.flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
    }

    private enum CodingKeys: String, CodingKey {
        case id, cstId, fdContentType, fdType, fdSize, fdCreatedDate, fdLastModifiedDate, fdParentId, fdHash, fdData
    }

    /// Decodes a file record from a JSON or XML resource body.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(Identifier.self, forKey: .id)
        self.cstId = try container.decodeLenientIfPresent(Int.self, forKey: .cstId)
        self.fdContentType = try container.decodeLenientIfPresent(String.self, forKey: .fdContentType)
        self.fdType = try container.decodeLenientIfPresent(String.self, forKey: .fdType)
        self.fdSize = try container.decodeLenientIfPresent(Int.self, forKey: .fdSize)
        self.fdCreatedDate = try container.decodeLenientIfPresent(String.self, forKey: .fdCreatedDate)
        self.fdLastModifiedDate = try container.decodeLenientIfPresent(String.self, forKey: .fdLastModifiedDate)
        self.fdParentId = try container.decodeLenientIfPresent(Int.self, forKey: .fdParentId)
        self.fdHash = try container.decodeLenientIfPresent(String.self, forKey: .fdHash)
        self.fdData = try container.decodeLenientIfPresent(String.self, forKey: .fdData)
    }
}
