/// Why a ``SQLiteEventSink`` could not open its database or commit a transaction.
public struct SQLiteSinkError: Error, Sendable, Hashable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// What went wrong; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case databaseInUse, readOnly, databaseFull, newerSchema, cannotOpen, writeFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        // This layer's own codes, in the shape every layer's Code has.
        /// Another relay has the database file open (one writer per file).
        public static let databaseInUse = Code(.databaseInUse)
        /// The database file (or its folder, where the write-ahead log goes) cannot be written.
        public static let readOnly = Code(.readOnly)
        /// The disk or the configured maximum size is full.
        public static let databaseFull = Code(.databaseFull)
        /// The file was created by a later version of the relay, with a schema this one does not know.
        public static let newerSchema = Code(.newerSchema)
        /// The file cannot be opened or is not a database.
        public static let cannotOpen = Code(.cannotOpen)
        /// A transaction failed for another reason (see the message).
        public static let writeFailed = Code(.writeFailed)

        public var description: String { self.base.rawValue }
    }

    // Fields, initialiser and description: the package's error shape, repeated per layer on purpose.
    /// What went wrong.
    public var code: Code
    /// A sentence for people, naming the file.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SQLiteSinkError.\(self.code): \(self.message)" }
}
