import Testing

@testable import DropscopeCore

/// Secrets never reach a report.
@Suite struct RedactorTests {
  @Test(arguments: [
    ("api_key=sk-ant-api03-Xq7PzR2mWv9KdL4nB8cT1yH6jF3sA0eG5uI end", "api_key=sk-ant-[REDACTED] end"),
    ("key sk-proj-4fJ9kL2mN8pQ1rS5tU7vW0xY3zA6bC9dE2fG5h.", "key sk-proj-[REDACTED]."),
    ("Authorization: Bearer abc.def.ghi", "Authorization: [REDACTED]"),
    ("{'x-api-key': 'k-123456', 'other': 1}", "{'x-api-key': '[REDACTED]', 'other': 1}"),
    ("'set-cookie': '__cf_bm=Zx81; path=/; HttpOnly'", "'set-cookie': '[REDACTED]'"),
    ("Cookie: session=abc; theme=dark", "Cookie: [REDACTED]"),
    ("task-sk-not-a-key and sk-short", "task-sk-not-a-key and sk-short"),
    // Header names in any case, with spaces or JSON escaping around the separator.
    ("X-API-Key: abc123", "X-API-Key: [REDACTED]"),
    ("COOKIE: a=1; b=2", "COOKIE: [REDACTED]"),
    ("Api_Key=abc123 next", "Api_Key=[REDACTED] next"),
    ("x-api-key : v123", "x-api-key : [REDACTED]"),
    ("headers=[(b'X-Api-Key', b'k-123456'), (b'set-cookie', b'a=1; path=/')]", "headers=[(b'X-Api-Key', b'[REDACTED]'), (b'set-cookie', b'[REDACTED]')]"),
    (#"{\"x-api-key\": \"k-123456\", \"a\": 1}"#, #"{\"x-api-key\": \"[REDACTED]\", \"a\": 1}"#),
    // Forms each from its documented shape.
    ("sent Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl_-x to", "sent Bearer [REDACTED] to"),
    ("ANTHROPIC_API_KEY=abc123def", "ANTHROPIC_API_KEY=[REDACTED]"),
    ("export OPENAI_API_KEY='xyz789'", "export OPENAI_API_KEY='[REDACTED]'"),
    ("id AKIAIOSFODNN7EXAMPLE here", "id AKIA[REDACTED] here"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED]"),
    (#"{"apiKey": "abc-123", "n": 1}"#, #"{"apiKey": "[REDACTED]", "n": 1}"#),
    ("GET https://x/v1?key=AIzaSyA123&alt=sse", "GET https://x/v1?key=[REDACTED]&alt=sse"),
    ("GET https://x/v1?alt=sse&key=AIzaSyA123 200", "GET https://x/v1?alt=sse&key=[REDACTED] 200"),
    ("https://x/cb#access_token=tok123&state=1", "https://x/cb#access_token=[REDACTED]&state=1"),
    ("incident-sk-ant-api03-Xq7PzR2mWv9KdL4nB8cT1yH6.log", "incident-sk-ant-[REDACTED].log"),
    ("x-auth-token: abc123; GITHUB_TOKEN=ghp_x1y2z3 refresh_token=r1", "x-auth-token: [REDACTED]; GITHUB_TOKEN=[REDACTED] refresh_token=[REDACTED]"),
    ("GET /sse?token=t0k3n&x=1", "GET /sse?token=[REDACTED]&x=1"),
    (#"{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n"}"#, #"{"private_key": "[REDACTED]"}"#),
    ("key AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI end", "key AIza[REDACTED] end"),
    ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc, groq gsk_8fJ2kL9mN3pQ5rS7tU1vW4xY6zA0bC2d", "stripe sk_live_[REDACTED], groq gsk_[REDACTED]"),
    // Passwords and client secrets (issue "Trust", item 3).
    ("GET https://alice:s3cr3t%40x@db.example.com/x 200", "GET https://alice:[REDACTED]@db.example.com/x 200"),
    ("DATABASE_URL=postgres://app:hunter2@10.0.0.5:5432/db", "DATABASE_URL=postgres://app:[REDACTED]@10.0.0.5:5432/db"),
    ("proxy http://u:p4ss;w=rd@proxy:3128 ok", "proxy http://u:[REDACTED]@proxy:3128 ok"),
    ("login password=hunter2 ok", "login password=[REDACTED] ok"),
    (#"{"password": "hunter2", "n": 1}"#, #"{"password": "[REDACTED]", "n": 1}"#),
    ("DB_PASSWORD='pa55'", "DB_PASSWORD='[REDACTED]'"),
    ("Passwd: letmein", "Passwd: [REDACTED]"),
    ("client_id=app&client_secret=cs123&grant_type=client_credentials", "client_id=app&client_secret=[REDACTED]&grant_type=client_credentials"),
    (#"{"client_secret": "cs-456", "n": 1}"#, #"{"client_secret": "[REDACTED]", "n": 1}"#),
    ("export CLIENT_SECRET=cs789", "export CLIENT_SECRET=[REDACTED]"),
    // Words that only look like the names.
    ("mail alice@example.com, git@github.com:org/repo, https://host/@user, https://user@host, https://u:@host", "mail alice@example.com, git@github.com:org/repo, https://host/@user, https://user@host, https://u:@host"),
    ("password reset sent, passwords: 2, /etc/passwd, password_hash=x, client_secrets: 3, content_block_delta", "password reset sent, passwords: 2, /etc/passwd, password_hash=x, client_secrets: 3, content_block_delta"),
    ("output_tokens=12 input_tokens=3 cookies: 2 monkey: 1 AKIA12 eyJa.b max_tokens: 5 AIzaShort", "output_tokens=12 input_tokens=3 cookies: 2 monkey: 1 AKIA12 eyJa.b max_tokens: 5 AIzaShort"),
  ])
  func keysAndHeaderValuesAreRedacted(input: String, expected: String) {
    #expect(Redactor.redact(input).text == expected)
    // What is redacted is not found again (outputs pass the redactor twice, and secrets are counted once).
    #expect(Redactor.redact(expected).count == 0)
  }

  /// The anchors are found sixteen bytes at a time, the byte before each from the lane before: a secret is found at
  /// every offset within and across those sixteen-byte steps.
  @Test(arguments: [
    ("password=hunter2", "password=[REDACTED]"),
    ("CLIENT_SECRET=cs1", "CLIENT_SECRET=[REDACTED]"),
    ("https://u:p4ss@h", "https://u:[REDACTED]@h"),
    ("x-api-key: k1", "x-api-key: [REDACTED]"),
    ("AKIAIOSFODNN7EXAMPLE", "AKIA[REDACTED]"),
  ])
  func secretsAreFoundAtEveryOffset(secret: String, redacted: String) {
    for offset in 0..<40 {
      let pad = String(repeating: "x", count: offset)
      #expect(Redactor.redact(pad + " " + secret + " tail").text == pad + " " + redacted + " tail", "offset \(offset)")
      #expect(Redactor.redact(secret + " " + pad).text == redacted + " " + pad, "offset \(offset)")
    }
  }

  @Test func noSecretFromTheInputReachesEitherReport() throws {
    let secret = "sk-ant-api03-Xq7PzR2mWv9KdL4nB8cT1yH6jF3sA0eG5uI-oZ_kpQ2wE7rT9yU1iO3pA5sD7fG9hJ2kL4zX6cV8bN0mQ-AAAAAA"
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [w] app: client config: api_key=\(secret)
      2026-11-22 10:00:00,001 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages?key=\(secret) "HTTP/1.1 401 Unauthorized"
      2026-11-22 10:00:00,002 ERROR [w] app: failed with x-api-key: \(secret)
      Traceback (most recent call last):
        File "/venv/site-packages/anthropic/_base_client.py", line 1, in request
      anthropic.AuthenticationError: Error code: 401 - {'error': 'bad key \(secret)'}
      """)
    let markdown = try MarkdownRenderer().render(report)
    let json = try JSONRenderer().render(report)
    #expect(!markdown.contains("Xq7PzR2m"))
    #expect(!json.contains("Xq7PzR2m"))
    #expect(markdown.contains("sk-ant-[REDACTED]"))
    #expect(report.secretsRedacted == 4)
  }
}
