import Foundation

extension HARArchive {
  /// One entry of an archive, as `EntryScanner` hands it over.
  struct ScannedEntry {
    /// The entry's 1-based number in its archive.
    let number: Int
    /// The entry's JSON, with every string longer than `EntryScanner.largestKeptString` left empty in it; nil when
    /// the entry is not a JSON object, or was skipped for its size (`skippedBytes`).
    let fields: [String: Any]?
    /// The bodies too long to keep (`EntryScanner.spilledPaths`), decoded into temporary files, by path.
    let spilled: [String: SpilledBody]
    /// The other strings too long to keep, not read: where they were and how many bytes they held as written.
    let leftOut: [(path: String, bytes: Int)]
    /// `_eventSourceMessages`, read one message at a time; nil when the entry has none.
    let messages: EventSourceMessages?
    /// The entry's size in the file, when it was skipped because even without its long strings it was larger than
    /// `EntryScanner.largestKeptEntry`.
    let skippedBytes: Int?
  }

  /// Finds the entries of a HAR document (`log.entries[…]`) in its bytes as they arrive, and hands over each
  /// entry, parsed, as soon as its closing brace is read: memory holds one entry, whatever the file's size.
  ///
  /// Memory is bounded whatever is in an entry:
  /// - A string longer than `largestKeptString` is not kept in the entry: a body (`spilledPaths`: the response's
  ///   `content.text`, the request's `postData.text`, an event-source message's `data`) is decoded from JSON as it
  ///   is read, into a temporary file (`SpilledBody`), for the reader to feed to the connection piece by piece;
  ///   any other (a URL, a header) is counted and named in `leftOut`.
  /// - `_eventSourceMessages` is read one message at a time into `EventSourceMessages`, which keeps them in a
  ///   temporary file past a megabyte.
  /// - What remains of an entry is kept up to `largestKeptEntry`; an entry larger than that is skipped whole and
  ///   handed over with its size, for the reader to say so.
  struct EntryScanner {
    /// The longest string (as written in the file, escapes and all) kept in its entry.
    static let largestKeptString = 1 << 20
    /// The most bytes of one entry (or one event-source message) kept, its long strings left out.
    static let largestKeptEntry = 8 << 20
    /// The strings of an entry read into temporary files when they are too long to keep, by path.
    static let spilledPaths: Set<String> = ["response.content.text", "request.postData.text", "_eventSourceMessages.data"]
    /// Keys are tracked to this depth (the paths that matter are a few levels deep).
    private static let deepestTracked = 32
    /// The depth of an entry's object (root = 1, `log` = 2, `log.entries` = 3).
    private static let entryDepth = 4

    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The first bytes of the string being read (enough for a key).
    private var text: [UInt8] = []
    private var lastString: [UInt8] = []
    /// Per depth: the key the value being read belongs to, and whether the container is an array.
    private var keys = [[UInt8]](repeating: [], count: EntryScanner.deepestTracked + 1)
    private var isArray = [Bool](repeating: false, count: EntryScanner.deepestTracked + 1)
    /// Whether a `:` was the last structural byte (the string that follows is a value, not a key).
    private var afterColon = false
    /// Whether `log.entries` was found (depth 3 is inside it while `inEntries`).
    private(set) var foundEntries = false
    private var inEntries = false
    private(set) var entryCount = 0

    /// The bytes kept of the object being read: the entry, or, while one is read, one of its messages.
    private var buffer: [UInt8] = []
    /// Whether the bytes being read belong to `buffer`.
    private var collecting = false
    /// The entry's bytes while one of its messages is read into `buffer`.
    private var heldEntry: [UInt8] = []
    /// The depth of `_eventSourceMessages` while inside it, and whether a message of it is being read.
    private var messagesDepth: Int?
    private var readingMessage = false
    private var messages: EventSourceMessages?
    /// The entry's long strings, and those of the message being read.
    private var spilled: [String: SpilledBody] = [:]
    private var messageData: SpilledBody?
    private var leftOut: [(path: String, bytes: Int)] = []
    /// Where the string being read begins in `buffer`, while it is short enough to be kept there.
    private var stringStart: Int?
    private var stringIsKey = false
    /// The long string being read past its start: its path, and the file it is decoded into (nil when it is only
    /// counted).
    private var longString: (path: String, body: SpilledBody?, bytes: Int)?
    /// Whether the entry is being skipped for its size; the offset (in all bytes fed) where it began.
    private var skipping = false
    private var entryBegan = 0
    private var offset = 0

    /// Whether the bytes ended inside an entry (the file was cut short).
    var endedInsideEntry: Bool { inEntries && depth > Self.entryDepth - 1 }

    /// Calls `found` with each entry.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ found: (ScannedEntry) -> Void) {
      // Bytes from `from` on (in `bytes`) belong to `buffer`, not yet copied.
      var from: Int? = collecting ? 0 : nil
      var i = 0
      while i < bytes.count {
        defer { i += 1 }
        if longString != nil {
          // Inside a long string: up to its closing quote, the bytes go to its file (or are counted), not to `buffer`.
          var end = i
          while end < bytes.count {
            let b = bytes[end]
            if escaped {
              escaped = false
            } else if b == 0x5c {
              escaped = true
            } else if b == 0x22 {
              break
            }
            end += 1
          }
          longString!.body?.append(escaped: UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
          longString!.bytes += end - i
          i = end
          guard end < bytes.count else { continue }
          inString = false
          lastString = text
          endLongString()
          collecting = true
          from = end  // the closing quote: `buffer` holds an empty string
          continue
        }
        let b = bytes[i]
        if inString {
          if escaped {
            escaped = false
          } else if b == 0x5c {
            escaped = true
          } else if b == 0x22 {
            inString = false
            stringStart = nil
            lastString = text
          } else if text.count < 64 {
            text.append(b)
          }
          if let start = stringStart, let window = from, buffer.count + (i - window) - start > Self.largestKeptString {
            // Too long to keep: what was read of it so far goes to its file, and the rest follows it there.
            buffer += UnsafeRawBufferPointer(rebasing: bytes[window...i])
            beginLongString(at: start)
            collecting = false
            from = nil
          }
          continue
        }
        switch b {
        case 0x22:
          inString = true
          text.removeAll(keepingCapacity: true)
          // A string where a message belongs is no message: counted, for the reader to say so.
          if let outer = messagesDepth, depth == outer, !readingMessage { messages?.countUnreadable() }
          if collecting, let window = from {
            stringStart = buffer.count + (i - window) + 1
            stringIsKey = !afterColon && !isArray[min(depth, Self.deepestTracked)]
          }
          afterColon = false
        case 0x3a:
          if depth >= 1, depth <= Self.deepestTracked { keys[depth] = lastString }
          afterColon = true
        case 0x2c:
          afterColon = false
        case 0x7b, 0x5b:
          afterColon = false
          depth += 1
          if depth <= Self.deepestTracked { isArray[depth] = b == 0x5b }
          if b == 0x5b, depth == 3, keys[2].elementsEqual("entries".utf8), keys[1].elementsEqual("log".utf8) {
            inEntries = true
            foundEntries = true
          } else if inEntries, depth == Self.entryDepth, b == 0x7b {
            resetEntry()
            entryBegan = offset + i
            collecting = true
            from = i
          } else if inEntries, !skipping, depth == Self.entryDepth + 1, b == 0x5b,
            keys[Self.entryDepth].elementsEqual("_eventSourceMessages".utf8), let window = from
          {
            // The messages are read one at a time: the entry keeps an empty array.
            buffer += UnsafeRawBufferPointer(rebasing: bytes[window...i])
            collecting = false
            from = nil
            messagesDepth = depth
            if messages == nil { messages = EventSourceMessages() }
          } else if let outer = messagesDepth, depth == outer + 1, b == 0x7b, !skipping {
            heldEntry = buffer
            buffer = []
            readingMessage = true
            collecting = true
            from = i
          }
        case 0x7d, 0x5d:
          afterColon = false
          if readingMessage, depth == (messagesDepth ?? 0) + 1 {
            if let window = from { buffer += UnsafeRawBufferPointer(rebasing: bytes[window...i]) }
            endMessage()
            collecting = false
            from = nil
          } else if let outer = messagesDepth, depth == outer {
            messagesDepth = nil
            collecting = !skipping
            from = skipping ? nil : i  // the closing bracket: the entry holds an empty array
          } else if inEntries, depth == Self.entryDepth, b == 0x7d {
            if let window = from { buffer += UnsafeRawBufferPointer(rebasing: bytes[window...i]) }
            collecting = false
            from = nil
            found(endEntry(endingAt: offset + i + 1))
          }
          if inEntries, depth == 3 { inEntries = false }
          depth = max(0, depth - 1)
        default:
          break
        }
        if b != 0x22, let window = from, buffer.count + (i - window) > Self.largestKeptEntry {
          beginSkipping()
          collecting = false
          from = nil
        }
      }
      if let window = from {
        buffer += UnsafeRawBufferPointer(rebasing: bytes[window...])
        if buffer.count > Self.largestKeptEntry {
          beginSkipping()
          collecting = false
        }
      }
      offset += bytes.count
    }

    /// The path of the string about to be read, from the entry down (`response.content.text`); keys of arrays'
    /// elements are left out, and a key itself is named by its object's path and `(key)`.
    private func path(ofKey isKey: Bool) -> String {
      var parts: [String] = []
      let deepest = min(depth, Self.deepestTracked)
      guard deepest >= Self.entryDepth else { return "" }
      for level in Self.entryDepth...deepest where !isArray[level] && (level < deepest || !isKey) {
        parts.append(String(decoding: keys[level], as: UTF8.self))
      }
      if isKey { parts.append("(key)") }
      return parts.joined(separator: ".")
    }

    private mutating func resetEntry() {
      buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
      spilled = [:]
      leftOut = []
      messages = nil
      messagesDepth = nil
      readingMessage = false
      skipping = false
      stringStart = nil
    }

    /// The string that began at `start` in `buffer` is too long to keep: it moves to a file when its entry reads
    /// it, or is counted.
    private mutating func beginLongString(at start: Int) {
      let path = path(ofKey: stringIsKey)
      let body = !stringIsKey && Self.spilledPaths.contains(path) ? SpilledBody() : nil
      buffer[start...].withUnsafeBytes { body?.append(escaped: $0) }
      longString = (path, body, buffer.count - start)
      buffer.removeSubrange(start...)
      stringStart = nil
    }

    private mutating func endLongString() {
      guard let string = longString else { return }
      longString = nil
      guard let body = string.body else { return leftOut.append((string.path, string.bytes)) }
      body.finish()
      if readingMessage {
        messageData = body
      } else {
        spilled[string.path] = body
      }
    }

    private mutating func endMessage() {
      readingMessage = false
      let message = try? JSONSerialization.jsonObject(with: Data(buffer)) as? [String: Any]
      if let message {
        messages?.append(message, data: messageData)
      } else {
        messages?.countUnreadable()
      }
      messageData = nil
      buffer = heldEntry
      heldEntry = []
    }

    /// The entry (or the message being read) is larger than `largestKeptEntry`: the entry is skipped to its end.
    private mutating func beginSkipping() {
      skipping = true
      buffer = []
      heldEntry = []
      readingMessage = false
      messagesDepth = nil
      messageData = nil
      messages = nil
      spilled = [:]
      stringStart = nil
    }

    private mutating func endEntry(endingAt end: Int) -> ScannedEntry {
      entryCount += 1
      let fields = skipping ? nil : (try? JSONSerialization.jsonObject(with: Data(buffer))) as? [String: Any]
      let entry = ScannedEntry(number: entryCount, fields: fields, spilled: spilled, leftOut: leftOut,
                               messages: messages, skippedBytes: skipping ? end - entryBegan : nil)
      resetEntry()
      return entry
    }
  }
}
