/// Chooses the one candidate clearly nearest a moment, so that two records are tied together only when nothing
/// else could be the match: no tie at all rather than a guess.
enum NearestInTime {
  /// The candidate at the smallest distance, if that distance is within `slack` and the next candidate's is at
  /// least `ratio` times it plus `margin`; nil otherwise.
  static func clearly<T>(
    _ distances: [(T, Microseconds)], within slack: Microseconds, ratio: Microseconds, margin: Microseconds
  ) -> T? {
    let near = distances.sorted { $0.1 < $1.1 }
    guard let first = near.first, first.1 <= slack, near.count == 1 || near[1].1 >= ratio * first.1 + margin
    else { return nil }
    return first.0
  }
}
