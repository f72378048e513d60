public import NIOCore

/// Writes ``PushMessage``s as frames.
public struct PushFrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = PushMessage

    /// How PublishMessageReceived is written.
    public enum AcknowledgementForm: Sendable, Hashable {
        /// The documented 10-byte form with a length field (4).
        case documented
        /// The reference Python client's 6-byte form without a length field.
        case short
    }

    private let acknowledgementForm: AcknowledgementForm

    /// Creates an encoder; acknowledgements use the documented form unless told otherwise.
    public init(acknowledgementForm: AcknowledgementForm = .documented) {
        self.acknowledgementForm = acknowledgementForm
    }

    public func encode(data: PushMessage, out: inout ByteBuffer) throws {
        try Self.write(data, into: &out, acknowledgementForm: self.acknowledgementForm)
    }

    /// Appends the 16 bytes that precede a PublishMessage's payload (frame header and block
    /// prefix), so a server can send the payload itself without copying it into the frame.
    ///
    /// - Throws: ``DeviceCloudProtocolError`` with code `malformedFrame` for a payload over 4 GiB.
    public static func writePublishHeader(_ publish: PublishMessage, into buffer: inout ByteBuffer) throws {
        let size = publish.payload.readableBytes
        guard size <= Int(UInt32.max) - 10 else {
            throw DeviceCloudProtocolError(.malformedFrame, "payload of \(size) bytes does not fit a frame")
        }
        buffer.writeInteger(PushMessage.MessageType.publishMessage.rawValue)
        buffer.writeInteger(UInt32(10 + size))
        buffer.writeInteger(publish.blockID)
        buffer.writeInteger(publish.count)
        buffer.writeInteger(publish.compression.rawValue)
        buffer.writeInteger(publish.format.rawValue)
        buffer.writeInteger(UInt32(size))
    }

    /// Appends one message's frame to `buffer`.
    ///
    /// - Throws: ``DeviceCloudProtocolError`` with code `malformedFrame` when a field does not fit its
    ///   wire width (a user name or password over 65,535 bytes, a payload over 4 GiB).
    public static func write(
        _ message: PushMessage,
        into buffer: inout ByteBuffer,
        acknowledgementForm: AcknowledgementForm = .documented
    ) throws {
        buffer.writeInteger(message.messageType.rawValue)
        switch message {
        case .connectRequest(let request):
            let user = Array(request.username.utf8)
            let password = Array(request.password.utf8)
            guard user.count <= UInt16.max, password.count <= UInt16.max else {
                buffer.moveWriterIndex(to: buffer.writerIndex - 2)
                throw DeviceCloudProtocolError(.malformedFrame, "user name or password longer than 65,535 bytes")
            }
            buffer.writeInteger(UInt32(2 + 2 + user.count + 2 + password.count + 4))
            buffer.writeInteger(request.version)
            buffer.writeInteger(UInt16(user.count))
            buffer.writeBytes(user)
            buffer.writeInteger(UInt16(password.count))
            buffer.writeBytes(password)
            buffer.writeInteger(request.monitorID)
        case .connectResponse(let response):
            buffer.writeInteger(UInt32(4))
            buffer.writeInteger(response.status)
            buffer.writeInteger(response.version)
        case .publishMessage(let publish):
            buffer.moveWriterIndex(to: buffer.writerIndex - 2)
            try self.writePublishHeader(publish, into: &buffer)
            buffer.writeImmutableBuffer(publish.payload)
        case .publishMessageReceived(let received):
            if acknowledgementForm == .documented {
                buffer.writeInteger(UInt32(4))
            }
            buffer.writeInteger(received.blockID)
            buffer.writeInteger(received.status)
        }
    }
}
