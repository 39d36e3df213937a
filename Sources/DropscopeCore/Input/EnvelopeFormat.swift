/// The shapes a platform wraps an application's lines in, recognised by content on an input's first lines.
///
/// Each record of an envelope holds one line (or part of one, or several) of the application's output, with the
/// platform's own time and the place it came from. `EnvelopeUnwrapper` takes the records apart before the log
/// readers see the lines.
enum EnvelopeFormat: String, Sendable, CaseIterable {
  /// Docker's json-file logging driver, one object per line: `{"log":"…\n","stream":"stderr","time":"…Z"}`.
  /// A line longer than 16 KiB is split over records whose `log` does not end with a newline.
  /// Documented at https://docs.docker.com/engine/logging/drivers/json-file/.
  case dockerJSON = "docker_json"
  /// Kubernetes CRI container logs (what the kubelet keeps under `/var/log/pods`):
  /// `<RFC 3339 nano time> stdout|stderr <tags> <text>`, the tag `P` marking a part of a line the next record continues
  /// and `F` its last part. Documented in the CRI logging design (kubernetes/design-proposals-archive
  /// `node/kubelet-cri-logging.md`) and kubelet's `pkg/kubelet/kuberuntime/logs/logs.go`.
  case cri
  /// A time and/or a source before each line: `kubectl logs --timestamps` (`<RFC 3339 nano time> <text>`), `--prefix`
  /// (`[pod/name/container] <text>`), both; `docker logs --timestamps`; `docker compose logs` (`api-1  | <text>`,
  /// with or without the time); and the lines of a CloudWatch Logs export to S3. `--prefix` and `--timestamps` are
  /// documented at https://kubernetes.io/docs/reference/kubectl/generated/kubectl_logs/ (the time is kubelet's
  /// RFC 3339 with nanoseconds).
  case timestamped
  /// `journalctl` short, short-iso and short-precise output, and syslog files in the RFC 3164 shape:
  /// `[<PRI>]Nov 22 15:52:48[.123456] host ident[pid]: text` (or an ISO time with its zone, `+0000` without a colon
  /// as journalctl writes it). journalctl's output modes are documented in journalctl(1), `--output=`; a message of
  /// several lines continues on lines indented to its column. RFC 3164 §4.1: https://www.rfc-editor.org/rfc/rfc3164.
  /// The fixtures under `Tests/DropscopeCoreTests/Fixtures/Envelopes` were made with systemd 252's own tools.
  case syslog
  /// Syslog in the RFC 5424 shape: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`
  /// (https://www.rfc-editor.org/rfc/rfc5424 §6).
  case syslog5424 = "syslog_rfc5424"
  /// `journalctl -o json`: one object per line with `MESSAGE` (a string, or an array of bytes when it is not UTF-8),
  /// `__REALTIME_TIMESTAMP` (µs since the epoch, as a string), `_PID`, `SYSLOG_IDENTIFIER`, `_SYSTEMD_UNIT`.
  /// Documented at https://systemd.io/JOURNAL_EXPORT_FORMATS/ ("Journal JSON Format").
  case journalJSON = "journal_json"
  /// AWS CloudWatch Logs as `aws logs filter-log-events` and `get-log-events` print it: `events[]`, each with
  /// `timestamp` (ms since the epoch), `message`, `ingestionTime` and, for filter-log-events, `logStreamName` and
  /// `eventId`. Documented at https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilteredLogEvent.html
  /// and API_OutputLogEvent.html.
  case cloudWatch = "cloudwatch"
  /// GCP Cloud Logging `LogEntry` objects, as an array (`gcloud logging read --format=json`) or one per line (exports):
  /// `textPayload` or `jsonPayload` (its `message`), `severity`, `timestamp` (RFC 3339), `logName`, `resource.labels`.
  /// Documented at https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry.
  case cloudLogging = "cloud_logging"

  /// How the report names the format.
  var description: String {
    switch self {
    case .dockerJSON: return "Docker json-file log"
    case .cri: return "Kubernetes container (CRI) log"
    case .timestamped: return "`kubectl logs`/`docker logs` output with times or prefixes"
    case .syslog: return "journalctl/syslog (RFC 3164) output"
    case .syslog5424: return "syslog (RFC 5424) output"
    case .journalJSON: return "`journalctl -o json` export"
    case .cloudWatch: return "CloudWatch Logs JSON export"
    case .cloudLogging: return "Cloud Logging JSON export"
    }
  }
}
