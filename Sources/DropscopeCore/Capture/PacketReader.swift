/// Reads a capture's packets into facts: on the calling thread (`CaptureReader`) or spread over threads
/// (`ParallelCaptureReader`), with the same facts in the same order either way.
protocol PacketReader: AnyObject {
  /// Reads one packet; returns true from time to time, once facts have reached the sink, so that streams that
  /// ended can be diagnosed.
  @discardableResult
  func read(_ packet: CapturedPacket) -> Bool
  /// Whether packets' bytes stay where they are until the reader is done with them (a mapped file), so they
  /// need not be copied.
  var packetsStayValid: Bool { get set }
  /// The first byte that work under way may still read, if any: bytes before it can be given back.
  var oldestPacketInUse: UnsafeRawPointer? { get }
  /// Ends the capture: connections still open end with it, and every fact reaches the sink.
  func finish()
  /// Each connection's name, by context id: `client → server`.
  var contextNames: [Int: String] { get }
  /// The streams whose facts have reached the sink were diagnosed: the names of connections that had finished by
  /// then are not needed any more, so memory follows the connections open, not all those seen.
  func streamsDiagnosed()
  var tcpSegments: Int { get }
  /// Secrets in the plain-text requests and response heads (complete once `finish` has run).
  var secrets: Int { get }
  /// The secrets TLS sessions are decrypted with; set before the first packet.
  var keyring: TLSKeyring? { get set }
  /// Which TLS sessions were decrypted and which could not be (complete once `finish` has run).
  var decryption: TLSDecryptionTally { get }
}
