/// Context names by id, as a fact tape's chunks give them: the recent ones only, so that memory stays bounded
/// however many threads a log names (see `ContextTable`, which bounds the reading side the same way).
///
/// Two generations of at most `ContextTable.namesPerGeneration` each: a name set goes into the current one; when
/// it is full the older one is dropped. Each chunk names the contexts its facts use, so a stream's context, named
/// again by the facts that ended it, is still known when the stream is diagnosed.
struct RecentNames {
  private var current: [Int: String] = [:]
  private var previous: [Int: String] = [:]
  private let limit: Int

  init(limit: Int = ContextTable.namesPerGeneration) {
    self.limit = max(1, limit)
  }

  subscript(id: Int) -> String? {
    get { current[id] ?? previous[id] }
    set {
      guard let newValue else { return }
      if current[id] == nil, current.count >= limit {
        previous = current
        current = [:]
      }
      current[id] = newValue
    }
  }
}
