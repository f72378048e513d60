import DeviceCloudProtocol
import Foundation
import Testing

@Suite("Monitor conditions: compilation, quoting, parsing")
struct MonitorConditionTests {
    private func field<Value>(_ name: String, _: Value.Type = Value.self) throws -> MonitorConditionField<Value> {
        try #require(MonitorConditionField<Value>(name: name))
    }

    @Test("comparisons and joins compile as the reference grammar writes them")
    func referenceGrammar() throws {
        let a = try field("a", Int.self)
        let b = try field("b", String.self)
        #expect((a > 21).compiled == "a>'21'")
        #expect((a < 25).compiled == "a<'25'")
        #expect((b == "a string").compiled == "b='a string'")
        #expect(b.like("%.txt").compiled == "b like '%.txt'")
        #expect((a > 21 && b == "x").compiled == "a>'21' and b='x'")
        #expect((b.like("%.csv") || a < 1024).compiled == "b like '%.csv' or a<'1024'")
    }

    @Test("dates compile as ISO-8601 UTC, milliseconds only when present")
    func dates() throws {
        let midnight = Date(timeIntervalSince1970: 1_404_691_200)
        #expect((MonitorField.lastConnect > midnight).compiled == "monLastConnect>'2014-07-07T00:00:00Z'")
        let withMilliseconds = Date(timeIntervalSince1970: 1_404_691_200.25)
        #expect((MonitorField.lastSent < withMilliseconds).compiled == "monLastSent<'2014-07-07T00:00:00.250Z'")
    }

    @Test("typed fields compile their element names and values")
    func typedFields() {
        #expect((MonitorField.transportType == .tcp).compiled == "monTransportType='tcp'")
        #expect((MonitorField.status == .disabled).compiled == "monStatus='DISABLED'")
        #expect((MonitorField.topics == ["DataPoint", "FileData"]).compiled == "monTopic='DataPoint,FileData'")
        #expect((MonitorField.autoReplayOnConnect == true).compiled == "monAutoReplayOnConnect='true'")
        #expect((MonitorField.compression == .unrecognized("brotli")).compiled == "monCompression='brotli'")
        #expect((MonitorField.id > 178_000).compiled == "monId>'178000'")
    }

    @Test("a quote in a value is doubled and cannot inject a comparison")
    func quoting() throws {
        let hostile = "O'Brien' or monId>'0"
        let condition = MonitorField.description == hostile
        #expect(condition.compiled == "monDescription='O''Brien'' or monId>''0'")
        let parsed = try MonitorCondition(parsing: condition.compiled)
        #expect(parsed == .comparison(MonitorField.description.name, .equal, hostile))
        // A quote followed by a combining mark is one Character but still a quote byte.
        let combining = "x'\u{301} or a='1"
        let reparsed = try MonitorCondition(parsing: (MonitorField.description == combining).compiled)
        #expect(reparsed == .comparison(MonitorField.description.name, .equal, combining))
        #expect(MonitorCondition.quoted("''") == "''''''")
    }

    @Test("and binds more tightly than or; parentheses only where needed")
    func precedence() throws {
        let a = try field("a", Int.self) == 1
        let b = try field("b", Int.self) == 2
        let c = try field("c", Int.self) == 3
        #expect((a && b || c).compiled == "a='1' and b='2' or c='3'")
        #expect((a || b && c).compiled == "a='1' or b='2' and c='3'")
        #expect(((a || b) && c).compiled == "(a='1' or b='2') and c='3'")
        #expect((c && (a || b)).compiled == "c='3' and (a='1' or b='2')")
        #expect((a || b || c).compiled == "a='1' or b='2' or c='3'")
        for condition in [a && b || c, a || b && c, (a || b) && c, c && (a || b), a && (b && c)] {
            #expect(try MonitorCondition(parsing: condition.compiled).compiled == condition.compiled)
        }
        #expect(try MonitorCondition(parsing: "a='1' and b='2' or c='3'") == .or(.and(a, b), c))
    }

    @Test("the parser takes the service's spellings")
    func parsing() throws {
        let parsed = try MonitorCondition(parsing: "  monTransportType = 'tcp'AND monTopic LIKE '%Data%'  Or monId<'5' ")
        let expected: MonitorCondition =
            MonitorField.transportType == .tcp && MonitorField.topics.like("%Data%") || MonitorField.id < 5
        #expect(parsed == expected)
        #expect(try MonitorCondition(parsing: "a=''") == .comparison(try #require(MonitorFieldName(rawValue: "a")), .equal, ""))
        #expect(try MonitorCondition(parsing: "((a='1'))").compiled == "a='1'")
        #expect(try MonitorCondition(parsing: "a='a and b=''c'''").compiled == "a='a and b=''c'''")
    }

    @Test(
        "malformed conditions are refused",
        arguments: [
            "", "a", "a=", "a='x", "a='x''", "a=x", "a>='1'", "a<>'1'", "a='1' b='2'", "a='1' and",
            "or a='1'", "(a='1'", "a='1')", "'a'='1'", "a='1' and (b='2' or )", "1a='1'", "a like", "a likes 'x'",
            String(repeating: "(", count: 40) + "a='1'" + String(repeating: ")", count: 40),
        ]
    )
    func malformed(_ text: String) {
        #expect(throws: DeviceCloudProtocolError.self) { try MonitorCondition(parsing: text) }
        do {
            _ = try MonitorCondition(parsing: text)
        } catch {
            #expect(error.code == .malformedCondition)
        }
    }

    @Test("field names must be plain identifiers")
    func fieldNames() {
        #expect(MonitorConditionField<String>(name: "monFoo_2") != nil)
        #expect(MonitorConditionField<String>(name: "a' or monId>'0") == nil)
        #expect(MonitorConditionField<String>(name: "") == nil)
        #expect(MonitorFieldName(rawValue: "a b") == nil)
    }

    @Test("oversized input is refused before parsing")
    func tooLong() {
        let text = "a='" + String(repeating: "x", count: MonitorCondition.maximumParsedLength) + "'"
        #expect(throws: DeviceCloudProtocolError.self) { try MonitorCondition(parsing: text) }
    }
}
