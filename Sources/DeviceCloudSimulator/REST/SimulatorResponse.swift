import DeviceCloudProtocol
import Hummingbird

/// The simulator's `/ws/…` answers.
enum SimulatorResponse {
    static func xml(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/xml; charset=utf-8"],
            body: ResponseBody(byteBuffer: body)
        )
    }

    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: body)
        )
    }

    /// `<error>message</error>` with the status. The message must be free of secrets.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var body = ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>")
        DocumentWriter.writeXMLEscaped(message, into: &body)
        body.writeString("</error>\n")
        var response = Self.xml(body, status: status)
        if status == .unauthorized {
            response.headers[.wwwAuthenticate] = "Basic realm=\"Remote Manager simulator\""
        }
        return response
    }
}
