// Recognition of a `Msg` entry's envelope keys (`topic`, `operation`, `timestamp`, `group`)
// by ``JSONCursor``, with whole-word comparisons of the key's bytes.

extension JSONCursor {
    /// What a key of a `Msg` entry is: one of the envelope fields, or `other` (a resource
    /// candidate or an ignored key).
    enum EnvelopeField {
        case topic, operation, timestamp, group, other
    }

    /// Recognises the envelope keys as the service writes them (`"topic":` and the like, no
    /// escapes, no space before the colon) with whole-word comparisons; `nil` sends the caller
    /// to the general path. Returns the field, the key's closing quote and the value's index.
    @inline(__always)
    func knownEnvelopeKey(at i: Int) -> (field: EnvelopeField, close: Int, value: Int)? {
        guard self.end &- i >= 16 else { return nil }
        let head = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        switch head {
        case 0x3A22_6369_706F_7422:  // "topic":
            return (.topic, i &+ 6, self.skipWhitespace(i &+ 8))
        case 0x3A22_7075_6F72_6722:  // "group":
            return (.group, i &+ 6, self.skipWhitespace(i &+ 8))
        case 0x6174_7365_6D69_7422, 0x6974_6172_6570_6F22:  // "timesta "operati
            let tail = UInt32(littleEndian: self.bytes.loadUnaligned(fromByteOffset: i &+ 8, as: UInt32.self))
            if head == 0x6174_7365_6D69_7422 && tail == 0x3A22_706D {  // mp":
                return (.timestamp, i &+ 10, self.skipWhitespace(i &+ 12))
            }
            if head == 0x6974_6172_6570_6F22 && tail == 0x3A22_6E6F {  // on":
                return (.operation, i &+ 10, self.skipWhitespace(i &+ 12))
            }
            return nil
        default:
            return nil
        }
    }

    /// Classifies an unescaped key token by its bytes.
    @inline(__always)
    func envelopeField(_ open: Int, _ close: Int) -> EnvelopeField {
        // Whole-word comparisons: the key's bytes lie between its quotes, inside the input.
        let s = open &+ 1
        switch close &- s {
        case 5:
            let head = UInt32(littleEndian: self.bytes.loadUnaligned(fromByteOffset: s, as: UInt32.self))
            let tail = self.bytes[s &+ 4]
            if head == 0x6970_6F74 && tail == 0x63 { return .topic }  // "topi" "c"
            if head == 0x756F_7267 && tail == 0x70 { return .group }  // "grou" "p"
        case 9:
            let head = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: s, as: UInt64.self))
            let tail = self.bytes[s &+ 8]
            if head == 0x6F69_7461_7265_706F && tail == 0x6E { return .operation }  // "operatio" "n"
            if head == 0x6D61_7473_656D_6974 && tail == 0x70 { return .timestamp }  // "timestam" "p"
        default:
            break
        }
        return .other
    }
}
