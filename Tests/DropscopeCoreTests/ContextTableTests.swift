import Testing

@testable import DropscopeCore

/// Context ids: stable while a name stays in use, never given twice, and memory bounded by the generations.
@Suite struct ContextTableTests {
  @Test func aNameKeepsItsIdWhileItIsInUse() {
    let table = ContextTable(namesPerGeneration: 4)
    #expect(table.id(scope: "", thread: nil) == 0, "no name is context 0")
    let main = table.id(scope: "", thread: "MainThread")
    // Many other names come and go; MainThread writes now and then and keeps its id.
    for i in 0..<100 {
      _ = table.id(scope: "", thread: "worker-\(i)")
      if i % 3 == 0 { #expect(table.id(scope: "", thread: "MainThread") == main) }
    }
    #expect(table.name(main) == "MainThread")
    #expect(table.id(scope: "pod-a", thread: "MainThread") != main, "a thread of another envelope source is another context")
  }

  @Test func aNameSilentForTwoGenerationsGetsANewId() {
    let table = ContextTable(namesPerGeneration: 4)
    let old = table.id(scope: "", thread: "quiet")
    var ids: Set<Int> = [old]
    for i in 0..<9 { ids.insert(table.id(scope: "", thread: "busy-\(i)")) }
    #expect(table.name(old) == nil, "dropped with its generation")
    let again = table.id(scope: "", thread: "quiet")
    #expect(!ids.contains(again), "ids are never given twice")
    #expect(table.name(again) == "quiet")
  }

  @Test func recentNamesKeepTheLatestGenerations() {
    var names = RecentNames(limit: 2)
    names[1] = "a"
    names[2] = "b"
    names[3] = "c"  // a new generation: 1 and 2 are the older one
    #expect(names[1] == "a")
    names[4] = "d"
    names[5] = "e"  // another: 1 and 2 are dropped
    #expect(names[1] == nil)
    #expect(names[3] == "c")
    #expect(names[5] == "e")
  }

  /// A log naming more threads than a generation holds: the streams of the later ones (ids past the assembler's
  /// slots) are read and named as any other.
  @Test func streamsOfThreadsPastAGenerationAreReadAndNamed() throws {
    var text = ""
    for i in 0..<(ContextTable.namesPerGeneration + 100) {
      text += "2026-11-22 16:38:30,000 INFO [job_\(i)] app.jobs: job started\n"
    }
    let at = "2026-11-22 16:38:32"
    text += "\(at),535 INFO [late_worker] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages \"HTTP/1.1 200 OK\"\n"
    for event in ["message_start", "content_block_start", "content_block_delta", "content_block_delta",
                  "content_block_stop", "message_delta", "message_stop"] {
      text += "\(at),600 DEBUG [late_worker] app.stream: event \(event)\n"
    }
    let report = try TestSupport.analyze(text: text)
    let stream = try #require(report.streams.first)
    #expect(report.streams.count == 1)
    #expect(stream.outcome == .completed)
    #expect(stream.context == "late_worker")
  }
}
