import Testing

@testable import DropscopeCore

/// HPACK against RFC 7541 Appendix C: Huffman-coded requests (C.4) and responses with eviction (C.6).
@Suite struct HPACKDecoderTests {
  static func block(_ hex: String) -> [UInt8] { TLSKeyLog.hex(Array(hex.filter { $0 != " " }.utf8))! }
  static func pairs(_ headers: [HPACKDecoder.Header]?) -> [String] { (headers ?? []).map { "\($0.name): \($0.value)" } }

  @Test func requestsWithHuffmanCodingOfC4() {
    var decoder = HPACKDecoder()
    #expect(Self.pairs(decoder.decode(Self.block("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff")))
            == [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"])
    #expect(decoder.dynamicTableSize == 57)
    #expect(Self.pairs(decoder.decode(Self.block("8286 84be 5886 a8eb 1064 9cbf")))
            == [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"])
    #expect(decoder.dynamicTableSize == 110)
    #expect(Self.pairs(decoder.decode(Self.block("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")))
            == [":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
                "custom-key: custom-value"])
    #expect(decoder.dynamicTableSize == 164)
    #expect(Self.pairs(decoder.dynamicEntries) == ["custom-key: custom-value", "cache-control: no-cache",
                                                    ":authority: www.example.com"])
  }

  @Test func responsesWithHuffmanCodingAndEvictionOfC6() {
    var decoder = HPACKDecoder(maxTableSize: 256)
    #expect(Self.pairs(decoder.decode(Self.block("4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3")))
            == [":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "location: https://www.example.com"])
    #expect(decoder.dynamicTableSize == 222)
    #expect(Self.pairs(decoder.decode(Self.block("4883 640e ffc1 c0bf")))
            == [":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "location: https://www.example.com"])
    #expect(decoder.dynamicTableSize == 222)
    #expect(Self.pairs(decoder.decode(Self.block("88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07")))
            == [":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
                "location: https://www.example.com", "content-encoding: gzip",
                "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"])
    #expect(decoder.dynamicTableSize == 215)
    #expect(Self.pairs(decoder.dynamicEntries) == ["set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                                                    "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT"])
  }

  /// Damaged blocks are refused, never trap: an index past the tables, a string longer than the block, bad Huffman.
  @Test func damagedBlocksAreRefused() {
    var decoder = HPACKDecoder()
    #expect(decoder.decode([0xff, 0x80]) == nil)
    #expect(decoder.decode([0x40, 0x85, 0x01]) == nil)
    #expect(decoder.decode([0x40, 0x81, 0x00, 0x00]) == nil)
    #expect(decoder.decode([0xbf]) == nil)
    #expect(HPACKHuffman.decode([0xff, 0xff, 0xff, 0xff]) == nil)  // EOS
  }
}
