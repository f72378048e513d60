// Fuzzes the REST client's readers of `/ws/Monitor` answers, all public in DeviceCloudProtocol
// and called by `Monitors` on the service's response bodies: `MonitorListPage(json:)` and
// `MonitorListPage(xml:)` (list and get), and `MonitorCreationResult(xml:)` (create).
//
// Properties, beyond "does not crash":
// - a page that was read writes itself back (`jsonDocument()`, `xmlDocument()`) as a document
//   that reads again, and after that one normalisation reading and writing changes nothing;
// - a create result that was read writes a document that reads to the same id.
import DeviceCloudProtocol
import FuzzSupport
import NIOCore

/// The process's entry point, which SwiftPM names `FuzzMonitorResponses_main`: libFuzzer's driver.
@_cdecl("FuzzMonitorResponses_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = ByteBuffer.tailPlaced(UnsafeRawBufferPointer(start: data, count: size))
    if let page = try? MonitorListPage(json: body) {
        checkJSONRoundTrip(page)
        checkXMLRoundTrip(page)
    }
    if let page = try? MonitorListPage(xml: body) {
        checkJSONRoundTrip(page)
        checkXMLRoundTrip(page)
    }
    if let created = try? MonitorCreationResult(xml: body) {
        let again = try? MonitorCreationResult(xml: created.xmlDocument())
        fuzzCheck(again == created, "create result \(created.monitorID) reads back as \(String(describing: again))")
    }
    return 0
}

func checkJSONRoundTrip(_ page: MonitorListPage) {
    do {
        let once = try MonitorListPage(json: page.jsonDocument())
        let twice = try MonitorListPage(json: once.jsonDocument())
        fuzzCheck(once == twice, "a JSON page changes on a second write and read:\n\(once)\n\(twice)")
    } catch {
        fuzzCheck(false, "a page's own JSON document does not read: \(error)\n\(String(buffer: page.jsonDocument()))")
    }
}

func checkXMLRoundTrip(_ page: MonitorListPage) {
    do {
        let once = try MonitorListPage(xml: page.xmlDocument())
        let twice = try MonitorListPage(xml: once.xmlDocument())
        fuzzCheck(once == twice, "an XML page changes on a second write and read:\n\(once)\n\(twice)")
    } catch {
        fuzzCheck(false, "a page's own XML document does not read: \(error)\n\(String(buffer: page.xmlDocument()))")
    }
}
