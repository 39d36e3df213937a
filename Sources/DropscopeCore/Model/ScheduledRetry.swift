/// What an SDK's line announcing a retry says: `Retrying request to /v1/messages in 0.43 seconds`, or
/// `Retrying request in 0.38 seconds (retry 1 of 2)` (openai-python from 3.54.0).
public struct ScheduledRetry: Sendable, Equatable {
  /// Seconds the SDK waits before the next attempt; nil when the line does not say.
  public var delaySeconds: Double?
  /// Which retry of the call this is (1 for the first), when the line numbers it.
  public var ordinal: Int?
  /// How many retries the call may make in all, when the line says (`of 2`).
  public var limit: Int?
  /// The API of the path the line names (`to /v1/messages`), when it names one.
  public var api: String?

  public init(delaySeconds: Double? = nil, ordinal: Int? = nil, limit: Int? = nil, api: String? = nil) {
    self.delaySeconds = delaySeconds
    self.ordinal = ordinal
    self.limit = limit
    self.api = api
  }
}
