/// How an exception reached the application, its citation, and the fix for an SDK that let it escape raw.
extension Decision {
  mutating func describeSurface(
    final: ExceptionRecord, wrapper: ExceptionRecord?, deciding: ExceptionRecord?, sdkName: String?, in c: DiagnosisCase
  ) {
    let stream = c.stream
    if c.inputDamaged, stream.client.exception?.openWhenInputEnded == true {
      // The cut came inside the traceback: the exception last read is not known to be the one that reached the
      // application, so neither how it surfaced nor a leak is claimed.
      surfacedAs = Catalogue.Surface.cutTraceback(final.type)
      return
    }
    if Catalogue.isRawTransportError(final), let sdkName, stream.end != .retried {
      findings.append(.unwrappedExceptionLeak)
      let javaScript = Catalogue.isJavaScript(stream.client.exception ?? ExceptionChain(records: [final], start: final.location))
      surfacedType = Catalogue.rawTransportClass(final)
      surfacedAs = Catalogue.Surface.raw(Catalogue.rawTransportClass(final),
                                         handler: Catalogue.Surface.handler(javaScript: javaScript, sdk: sdkName))
    } else if final.module == "anthropic" || final.module == "openai", let cause = chainCause(of: final, in: c) {
      surfacedType = final.type
      surfacedAs = Catalogue.Surface.wrapped(final.type, cause: cause.type)
    } else if let deciding, deciding.location != final.location || deciding.type != final.type {
      surfacedType = final.type
      surfacedAs = Catalogue.Surface.withCause(final, deciding: deciding)
    } else {
      surfacedType = final.type
      surfacedAs = Catalogue.Surface.plain(final.type)
    }
    if stream.client.uncaught || (stream.client.exceptionAt?.quote.map { $0.hasPrefix("Exception in thread") } ?? false) {
      surfacedAs = (surfacedAs ?? "") + Catalogue.Surface.uncaught
    }

  }

  /// The transport exception an SDK exception wraps: the last transport-module record before it.
  private func chainCause(of final: ExceptionRecord, in c: DiagnosisCase) -> ExceptionRecord? {
    guard let chain = c.stream.client.exception ?? c.stream.client.internalException, chain.records.count > 1 else { return nil }
    return chain.records.dropLast().last { Catalogue.transportModules.contains($0.module) }
  }

  /// Puts the SDK's own fix first: catching the raw error it lets escape, or reading the cause it wraps.
  mutating func addLeakFix(sdkName: String?, in c: DiagnosisCase) {
    guard let sdkName else { return }
    if findings.contains(.unwrappedExceptionLeak) {
      let advice = Catalogue.leakAdvice(sdk: sdkName, chain: c.stream.client.exception ?? c.stream.client.internalException)
      fixes.insert(advice.fix, at: 0)
      if let behaviour = advice.behaviour { note(Catalogue.Note.sdkBehaviour(behaviour)) }
    } else if sdkName == "openai", surfacedAs?.contains("wrapped by the SDK") == true {
      fixes.insert(.inspectCauseOpenAI, at: 0)
    }
  }

  /// Cites where the application logged the failure, the deciding exception, and the one that reached it.
  mutating func citeException(_ chain: ExceptionChain, note: String, record: ExceptionRecord? = nil, in c: DiagnosisCase) {
    guard let final = chain.final else { return }
    let stream = c.stream
    // A client that prints its verdict as one line (curl) has no separate log record to cite.
    let sameLine = stream.client.exceptionAt.map { $0.location.line == final.location.line && $0.quote?.hasSuffix(final.message) == true } ?? false
    if let at = stream.client.exceptionAt, !stream.client.uncaught, !sameLine {
      cite(at, quote: at.quote, Catalogue.Note.applicationLoggedFailure(tracebackStart: chain.start.line), in: c)
    }
    let shown = record ?? final
    evidence.append(Evidence(location: c.place(shown.location), time: stream.client.exceptionAt?.time.map(TimeFormatting.iso),
                             quote: Self.line(of: shown), note: note))
    if shown.location != final.location {
      evidence.append(Evidence(location: c.place(final.location), time: nil, quote: Self.line(of: final),
                               note: Catalogue.Note.exceptionReachedApplication))
    }
  }

  /// An exception as a traceback prints its last line.
  private static func line(of record: ExceptionRecord) -> String {
    record.message.isEmpty ? record.type : "\(record.type): \(record.message)"
  }
}
