/// The context ids of one input: a thread name, an envelope source, or both, each get a small dense id.
///
/// Lines that name neither are context 0, as in a log without an envelope; the readers of an input's envelope
/// contexts share one table so their ids never collide.
final class ContextTable {
  private var ids: [String: Int] = ["": 0]
  private(set) var names: [Int: String] = [:]

  /// The id of a thread in an envelope source (either may be missing); new names get the next id.
  func id(scope: String, thread: String?) -> Int {
    let name: String
    if let thread { name = scope.isEmpty ? thread : "\(scope) \(thread)" } else { name = scope }
    if let known = ids[name] { return known }
    let id = ids.count
    ids[name] = id
    names[id] = name
    return id
  }
}
