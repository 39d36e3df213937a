/// Every fix dropscope can recommend, by its id in the report; a misspelt id does not compile.
public enum FixID: String, Sendable, Codable, CaseIterable, Comparable {
  case catchTransportErrorAnthropic = "catch-transport-error-anthropic"
  case upgradeOpenAI314 = "upgrade-openai-3.14"
  case catchTerminatedTypeScript = "catch-terminated-typescript"
  case inspectCauseOpenAI = "inspect-cause-openai"
  case raiseProxyIdleLimit = "raise-proxy-idle-limit"
  case clientReadTimeout = "client-read-timeout"
  case retryServerClose = "retry-server-close"
  case checkStopReason = "check-stop-reason"
  case retryInBandError = "retry-in-band-error"
  case backoffOverloaded = "backoff-overloaded"
  case fixRequest = "fix-request"
  case rateLimit = "rate-limit"
  case applicationException = "application-exception"
  case cancellation
  case connectFailure = "connect-failure"
  case captureForEvidence = "capture-for-evidence"

  /// Fixes are listed in the order of their ids.
  public static func < (lhs: FixID, rhs: FixID) -> Bool { lhs.rawValue < rhs.rawValue }
}
