// `import DeviceCloud` is all a client needs: the protocol layer's user-facing types (events,
// resources, monitor definitions and conditions, batches, errors) come with it. They live in
// `DeviceCloudProtocol` so that the simulator, the HTTP receiver and the fuzz targets can use them
// without building this client; re-exporting keeps one import for users.
@_exported public import DeviceCloudProtocol
// The two foreign types a first program names: the service's address, and the bytes of a
// batch's document and of each event's body.
@_exported public import struct Foundation.URL
@_exported public import struct NIOCore.ByteBuffer
