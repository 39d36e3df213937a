#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The TLS secrets one capture is read with: the key logs named on the command line and those the capture
/// carries itself (pcapng Decryption Secrets Blocks). Shared by the threads that read its connections.
final class TLSKeyring: @unchecked Sendable {
  private var keyLog: TLSKeyLog
  private var lock = pthread_mutex_t()
  /// Decryption Secrets Blocks read from the capture.
  private(set) var embeddedBlocks = 0

  init(_ keyLog: TLSKeyLog) {
    self.keyLog = keyLog
    pthread_mutex_init(&lock, nil)
  }

  deinit { pthread_mutex_destroy(&lock) }

  /// Whether any secrets are known: when none are, TLS sessions are read as before, without warnings.
  var isEmpty: Bool {
    pthread_mutex_lock(&lock)
    defer { pthread_mutex_unlock(&lock) }
    return keyLog.isEmpty
  }

  /// Adds the key log text of a Decryption Secrets Block.
  func addEmbedded(_ text: UnsafeRawBufferPointer) {
    pthread_mutex_lock(&lock)
    defer { pthread_mutex_unlock(&lock) }
    embeddedBlocks += 1
    keyLog.add(text: text)
  }

  /// The secrets of the session a ClientHello with this random opened.
  func secrets(clientRandom: [UInt8]) -> TLSKeyLog.Secrets? {
    pthread_mutex_lock(&lock)
    defer { pthread_mutex_unlock(&lock) }
    return keyLog.secrets(clientRandom: clientRandom)
  }
}
