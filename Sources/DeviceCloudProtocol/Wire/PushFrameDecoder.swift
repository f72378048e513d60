public import NIOCore

/// Splits a byte stream into ``PushMessage``s.
///
/// Framing is by the header (`type: u16`, `length: u32`), so any split of the stream works:
/// one byte at a time, a header across reads, or many frames in one read. A declared length
/// above ``PushLimits/maximumFrameLength`` fails before anything of that size is buffered.
public struct PushFrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = PushMessage

    /// The size of every frame header: type (2) and length (4).
    public static let headerLength = 6

    private let maximumFrameLength: Int
    private let acceptsShortAcknowledgement: Bool

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - limits: ``PushLimits/maximumFrameLength`` caps a frame's declared length.
    ///   - acceptsShortAcknowledgement: also accept the 6-byte PublishMessageReceived without
    ///     a length field that the reference Python client sends (a server needs this).
    public init(limits: PushLimits = .default, acceptsShortAcknowledgement: Bool = false) {
        self.maximumFrameLength = limits.maximumFrameLength
        self.acceptsShortAcknowledgement = acceptsShortAcknowledgement
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> PushMessage? {
        let start = buffer.readerIndex
        guard let rawType = buffer.getInteger(at: start, as: UInt16.self),
            let length = buffer.getInteger(at: start + 2, as: UInt32.self)
        else { return nil }

        guard let type = PushMessage.MessageType(rawValue: rawType) else {
            throw DeviceCloudProtocolError(.unknownMessageType, "unknown message type 0x\(String(rawType, radix: 16))")
        }
        if type == .publishMessageReceived, self.acceptsShortAcknowledgement, length != 4 {
            // Short form: type, blockId, status; the four bytes after the type are not a length.
            buffer.moveReaderIndex(forwardBy: 2)
            guard let blockID = buffer.readInteger(as: UInt16.self), let status = buffer.readInteger(as: UInt16.self)
            else { preconditionFailure("six bytes were checked above") }
            return .publishMessageReceived(PublishMessageReceived(blockID: blockID, status: status))
        }
        guard length <= self.maximumFrameLength else {
            throw DeviceCloudProtocolError(
                .frameTooLarge,
                "frame of type \(type) declares \(length) bytes; the limit is \(self.maximumFrameLength)"
            )
        }
        let frameLength = Self.headerLength + Int(length)
        guard buffer.readableBytes >= frameLength,
            var body = buffer.getSlice(at: start + Self.headerLength, length: Int(length))
        else { return nil }
        buffer.moveReaderIndex(forwardBy: frameLength)
        return try Self.parse(type, body: &body)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PushMessage? {
        if let message = try self.decode(buffer: &buffer) {
            return message
        }
        if buffer.readableBytes > 0 {
            throw DeviceCloudProtocolError(
                .truncatedStream,
                "the connection closed inside a frame (\(buffer.readableBytes) bytes of it received)"
            )
        }
        return nil
    }

    private static func parse(_ type: PushMessage.MessageType, body: inout ByteBuffer) throws -> PushMessage {
        func truncated() -> DeviceCloudProtocolError {
            DeviceCloudProtocolError(.malformedFrame, "\(type) frame of \(body.writerIndex) bytes is too short for its fields")
        }
        switch type {
        case .connectRequest:
            guard let version = body.readInteger(as: UInt16.self),
                let userLength = body.readInteger(as: UInt16.self),
                let username = body.readString(length: Int(userLength)),
                let passwordLength = body.readInteger(as: UInt16.self),
                let password = body.readString(length: Int(passwordLength)),
                let monitorID = body.readInteger(as: UInt32.self)
            else { throw truncated() }
            return .connectRequest(
                ConnectRequest(version: version, username: username, password: password, monitorID: monitorID)
            )
        case .connectResponse:
            guard let status = body.readInteger(as: UInt16.self), let version = body.readInteger(as: UInt16.self)
            else { throw truncated() }
            return .connectResponse(ConnectResponse(status: status, version: version))
        case .publishMessage:
            guard let blockID = body.readInteger(as: UInt16.self),
                let count = body.readInteger(as: UInt16.self),
                let rawCompression = body.readInteger(as: UInt8.self),
                let rawFormat = body.readInteger(as: UInt8.self),
                let payloadSize = body.readInteger(as: UInt32.self)
            else { throw truncated() }
            guard let compression = PayloadCompression(rawValue: rawCompression) else {
                throw DeviceCloudProtocolError(.unknownCompression, "block \(blockID) names compression \(rawCompression)")
            }
            guard let format = PayloadFormat(rawValue: rawFormat) else {
                throw DeviceCloudProtocolError(.unknownFormat, "block \(blockID) names format \(rawFormat)")
            }
            // Trailing bytes after payloadSize are ignored, as the service's documentation example has some.
            guard let payload = body.readSlice(length: Int(payloadSize)) else {
                throw DeviceCloudProtocolError(
                    .malformedFrame,
                    "block \(blockID) declares a payload of \(payloadSize) bytes but its frame holds \(body.readableBytes)"
                )
            }
            return .publishMessage(
                PublishMessage(blockID: blockID, count: count, compression: compression, format: format, payload: payload)
            )
        case .publishMessageReceived:
            guard let blockID = body.readInteger(as: UInt16.self), let status = body.readInteger(as: UInt16.self)
            else { throw truncated() }
            return .publishMessageReceived(PublishMessageReceived(blockID: blockID, status: status))
        }
    }
}
