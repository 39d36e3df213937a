import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HARArchive {
  /// An entry's `_eventSourceMessages` (Chrome's record of each server-sent event with the time it arrived), kept
  /// as the SSE text each message stands for: in memory up to `keptInMemory` bytes, in an unlinked temporary file
  /// past that, so an entry of a million messages takes no more memory than one of a thousand.
  final class EventSourceMessages {
    /// The most bytes of messages kept in memory.
    static let keptInMemory = 1 << 20
    /// The longest piece a message is stored and read back in.
    static let pieceSize = 1 << 16
    /// A piece's header: its time (`noTime` when the message has none) and its length, 8 bytes each.
    private static let headerSize = 16
    private static let noTime = Int64.min
    /// Pieces not yet written to the file, each after its header; all of them while there is no file.
    private var pending: [UInt8] = []
    private var file: UnsafeMutablePointer<FILE>?
    /// The messages read, and those that were not a JSON object (not read).
    private(set) var count = 0
    private(set) var unreadable = 0

    deinit { if let file { fclose(file) } }

    /// Adds a message (`type`, `time` in seconds since the epoch, `data`), its data from `spilledData` when that
    /// was too long to keep in the message.
    func append(_ message: [String: Any], data spilledData: SpilledBody?) {
      count += 1
      let time = (message["time"] as? Double).flatMap { UntrustedNumber.instant($0, unit: 1_000_000) } ?? Self.noTime
      var piece = Array("event: \(message["type"] as? String ?? "message")\ndata: ".utf8)
      // Data of several lines was several `data:` fields; each line is one again.
      func add(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
          piece.append(b)
          if b == 0x0a { piece += "data: ".utf8 }
          if piece.count >= Self.pieceSize {
            store(piece, time: time)
            piece.removeAll(keepingCapacity: true)
          }
        }
      }
      if let spilledData {
        spilledData.forEachPiece(add)
      } else {
        var data = message["data"] as? String ?? ""
        data.withUTF8 { add(UnsafeRawBufferPointer($0)) }
      }
      piece += "\n\n".utf8
      store(piece, time: time)
    }

    /// Counts a message that is not a JSON object.
    func countUnreadable() { unreadable += 1 }

    /// Calls `body` with each piece of SSE text, in order, with the time of its message (nil when it has none).
    func forEachPiece(_ body: (Microseconds?, UnsafeRawBufferPointer) -> Void) {
      guard let file else {
        return pending.withUnsafeBytes { Self.forEachPiece(in: $0, body) }
      }
      flush(to: file)
      rewind(file)
      var piece = [UInt8](repeating: 0, count: Self.headerSize + Self.pieceSize)
      while true {
        let header = piece.withUnsafeMutableBytes { fread($0.baseAddress, 1, Self.headerSize, file) }
        guard header == Self.headerSize else { break }
        let (time, length) = piece.withUnsafeBytes { ($0.loadUnaligned(as: Int64.self), $0.loadUnaligned(fromByteOffset: 8, as: Int64.self)) }
        guard length >= 0, length <= Self.pieceSize else { break }
        let read = piece.withUnsafeMutableBytes { fread($0.baseAddress! + Self.headerSize, 1, Int(length), file) }
        guard read == Int(length) else { break }
        piece.withUnsafeBytes {
          body(time == Self.noTime ? nil : time, UnsafeRawBufferPointer(rebasing: $0[Self.headerSize..<(Self.headerSize + read)]))
        }
      }
      fseek(file, 0, SEEK_END)
    }

    private static func forEachPiece(in records: UnsafeRawBufferPointer, _ body: (Microseconds?, UnsafeRawBufferPointer) -> Void) {
      var at = 0
      while at + headerSize <= records.count {
        let time = records.loadUnaligned(fromByteOffset: at, as: Int64.self)
        let length = Int(records.loadUnaligned(fromByteOffset: at + 8, as: Int64.self))
        at += headerSize
        body(time == noTime ? nil : time, UnsafeRawBufferPointer(rebasing: records[at..<(at + length)]))
        at += length
      }
    }

    private func store(_ piece: [UInt8], time: Int64) {
      withUnsafeBytes(of: time) { pending += $0 }
      withUnsafeBytes(of: Int64(piece.count)) { pending += $0 }
      pending += piece
      if let file {
        if pending.count >= Self.pieceSize { flush(to: file) }
      } else if pending.count > Self.keptInMemory, let made = tmpfile() {
        // Without a temporary file, the messages stay in memory.
        file = made
        flush(to: made)
      }
    }

    private func flush(to file: UnsafeMutablePointer<FILE>) {
      guard !pending.isEmpty else { return }
      _ = pending.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
      pending.removeAll(keepingCapacity: true)
    }
  }
}
