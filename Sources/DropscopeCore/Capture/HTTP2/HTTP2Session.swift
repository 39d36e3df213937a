/// Reads the HTTP/2 frames of one connection (RFC 9113), both directions, into the facts the HTTP/1.1 parsers
/// give: each stream is one request with its head, request id, SSE events and end.
///
/// HEADERS and CONTINUATION blocks go through each side's HPACK decoder; DATA of an event stream through the
/// SSE decoder; a stream's END_STREAM is its body's framed end. RST_STREAM and GOAWAY are handed to `ended`, which
/// knows the connection's timing. Flow control, priorities and settings other than the table size are not needed
/// and are passed over. Each fact is handed on with its stream's id.
struct HTTP2Session {
  /// How a stream or the connection ended by a frame.
  struct Ending {
    var byServer: Bool
    /// RST_STREAM (one stream reset) or GOAWAY (the connection closed, streams above `lastStreamID` unprocessed).
    var isGoAway: Bool
    var streamID: UInt32
    var errorCode: UInt32
    var quote: String
  }

  static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

  private struct Stream {
    var events = SSEDecoder()
    var isEventStream = false
    var responded = false
    var ended = false
  }

  private let scheme: String
  private var buffers: [[UInt8]] = [[], []]
  private var prefaceLeft = HTTP2Session.preface.count
  private var decoders = [HPACKDecoder(), HPACKDecoder()]
  /// A header block waiting for its CONTINUATION frames: stream, side, fragment, END_STREAM.
  private var pending: (stream: UInt32, side: Int, block: [UInt8], endStream: Bool)?
  private var streams: [UInt32: Stream] = [:]
  /// A frame or header block could not be read: the rest of the connection is not read.
  private(set) var broken = false

  init(scheme: String) {
    self.scheme = scheme
  }

  /// Whether a client's first bytes begin (or, when short, could begin) HTTP/2's connection preface.
  static func beginsWithPreface(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 4 && zip(bytes, preface).allSatisfy { $0 == $1 }
  }

  /// A fact of one stream.
  typealias StreamFact = (UInt32, Fact.Kind, String?) -> Void

  /// Takes one direction's bytes, in order.
  mutating func feed(
    _ bytes: UnsafeRawBufferPointer, fromClient: Bool, _ emit: StreamFact, ended: (Ending) -> Void
  ) {
    guard !broken else { return }
    var bytes = bytes[...]
    if fromClient, prefaceLeft > 0 {
      let take = min(prefaceLeft, bytes.count)
      prefaceLeft -= take
      bytes = bytes.dropFirst(take)
    }
    let side = fromClient ? 0 : 1
    buffers[side] += bytes
    var start = 0
    let buffer = buffers[side]
    while buffer.count - start >= 9, !broken {
      let length = Int(buffer[start]) << 16 | Int(buffer[start + 1]) << 8 | Int(buffer[start + 2])
      guard length <= 1 << 24 - 1, buffer.count - start >= 9 + length else { break }
      let type = buffer[start + 3], flags = buffer[start + 4]
      let stream = (UInt32(buffer[start + 5]) << 24 | UInt32(buffer[start + 6]) << 16 | UInt32(buffer[start + 7]) << 8
        | UInt32(buffer[start + 8])) & 0x7fff_ffff
      let payload = Array(buffer[(start + 9)..<(start + 9 + length)])
      start += 9 + length
      frame(type: type, flags: flags, stream: stream, payload: payload, side: side, emit, ended)
    }
    buffers[side].removeFirst(start)
  }

  private mutating func frame(
    type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8], side: Int, _ emit: StreamFact, _ ended: (Ending) -> Void
  ) {
    if let waiting = pending, type != 9 || waiting.stream != stream {
      // A header block must be followed by its CONTINUATIONs and nothing else.
      broken = true
      return
    }
    switch type {
    case 0:  // DATA
      guard let data = Self.unpadded(payload, flags: flags) else { return fail() }
      if side == 1, streams[stream]?.isEventStream == true {
        data.withUnsafeBytes { bytes in streams[stream]?.events.feed(bytes) { emit(stream, $0, $1) } }
      }
      if flags & 0x1 != 0, side == 1 { endStream(stream, emit) }
    case 1:  // HEADERS
      guard var block = Self.unpadded(payload, flags: flags) else { return fail() }
      if flags & 0x20 != 0 {
        guard block.count >= 5 else { return fail() }
        block.removeFirst(5)  // stream dependency and weight
      }
      pending = (stream, side, block, flags & 0x1 != 0)
      if flags & 0x4 != 0 { headerBlockEnded(emit) }
    case 9:  // CONTINUATION
      guard pending != nil else { return fail() }
      pending!.block += payload
      if flags & 0x4 != 0 { headerBlockEnded(emit) }
    case 3:  // RST_STREAM
      guard payload.count == 4 else { return fail() }
      let code = Self.u32(payload, 0)
      guard streams[stream].map({ !$0.ended }) ?? false else { return }
      streams[stream]?.ended = true
      let who = side == 1 ? "server" : "client"
      ended(Ending(byServer: side == 1, isGoAway: false, streamID: stream, errorCode: code,
                   quote: "\(who) RST_STREAM on stream \(stream): \(Self.errorName(code))"))
    case 7:  // GOAWAY
      guard payload.count >= 8 else { return fail() }
      let last = Self.u32(payload, 0) & 0x7fff_ffff, code = Self.u32(payload, 4)
      let who = side == 1 ? "server" : "client"
      // It ends the streams it did not process (above `last`), and with an error all open ones; a graceful
      // GOAWAY lets the others finish.
      let cut = streams.filter { !$0.value.ended && ($0.key > last || code != 0) }.map(\.key).sorted()
      for id in cut {
        streams[id]?.ended = true
        ended(Ending(byServer: side == 1, isGoAway: true, streamID: id, errorCode: code,
                     quote: "\(who) GOAWAY (last stream \(last)): \(Self.errorName(code))"))
      }
    default:
      break  // SETTINGS, PING, WINDOW_UPDATE, PRIORITY, PUSH_PROMISE: nothing a verdict needs
    }
  }

  private mutating func fail() { broken = true }

  /// Bytes were lost: where the next frame begins is not known, so the rest is not read.
  mutating func lose() { broken = true }

  /// A complete header block: a request (client), a response head or trailers (server).
  private mutating func headerBlockEnded(_ emit: StreamFact) {
    guard let (stream, side, block, endsStream) = pending else { return }
    pending = nil
    guard let headers = decoders[side].decode(block) else { return fail() }
    func value(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    if side == 0 {
      guard let method = value(":method") else { return }
      let path = value(":path") ?? "/"
      streams[stream] = Stream()
      let authority = value(":authority") ?? value("host")
      emit(stream, .requestSending(url: authority.map { "\(value(":scheme") ?? scheme)://\($0)\(path)" } ?? path),
           "HTTP/2 stream \(stream): \(method) \(path)")
      return
    }
    if let status = value(":status").flatMap({ Int($0) }) {
      guard status >= 200 else { return }  // 1xx: the final head follows
      streams[stream, default: Stream()].responded = true
      emit(stream, .responseHead(status: status, url: nil, transport: "wire"), "HTTP/2 \(status) (stream \(stream))")
      if let id = value("request-id") ?? value("x-request-id") { emit(stream, .requestID(id), nil) }
      streams[stream]?.isEventStream = value("content-type")?.contains("text/event-stream") == true
    }
    if endsStream { endStream(stream, emit) }
  }

  /// The server ended the stream (END_STREAM): its body ended by its framing.
  private mutating func endStream(_ stream: UInt32, _ emit: StreamFact) {
    guard var state = streams[stream], !state.ended else { return }
    state.ended = true
    state.events.finish { emit(stream, $0, $1) }
    streams[stream] = state
    emit(stream, .bodyEnded, nil)
  }

  /// A DATA or HEADERS payload without its padding; nil when the padding claims more than the frame holds.
  private static func unpadded(_ payload: [UInt8], flags: UInt8) -> [UInt8]? {
    guard flags & 0x8 != 0 else { return payload }
    guard let pad = payload.first, Int(pad) < payload.count else { return nil }
    return Array(payload[1..<(payload.count - Int(pad))])
  }

  private static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
    UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
  }

  /// RFC 9113 §7's names, with the code.
  static func errorName(_ code: UInt32) -> String {
    let names = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
                 "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
                 "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"]
    return code < names.count ? "\(names[Int(code)]) (\(code))" : "error \(code)"
  }
}
