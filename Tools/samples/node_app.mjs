// A Node application streaming from the fault server with Node's own fetch (undici), as apps do when
// the @anthropic-ai/sdk package cannot be installed here (no npm registry). It logs like a service:
//   LOG_FORMAT=console  ISO time + level + message, and console.error(err) for failures (stack with [cause])
//   LOG_FORMAT=pino     one JSON object per line, pino's shape: {"level":50,"time":…,"msg":…,"err":{type,message,stack}}
// Usage: node node_app.mjs http://127.0.0.1:PORT scenario[@openai] …   (loopback only; every request is bounded)

const [base, ...jobs] = process.argv.slice(2);
const format = process.env.LOG_FORMAT || "console";
const levels = { debug: 20, info: 30, warn: 40, error: 50 };

function log(level, msg, err) {
  if (format === "pino") {
    const record = { level: levels[level], time: Date.now(), pid: process.pid, hostname: "web-1", name: "chat", msg };
    if (err) record.err = { type: err.constructor.name, message: err.message, stack: stackWithCauses(err) };
    process.stdout.write(JSON.stringify(record) + "\n");
    return;
  }
  console.log(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} chat: ${msg}`);
  if (err) console.error(err);
}

// pino's std serializer appends causes to the stack like this.
function stackWithCauses(err) {
  let stack = err.stack;
  for (let cause = err.cause; cause; cause = cause.cause) stack += `\ncaused by: ${cause.stack}`;
  return stack;
}

async function run(job, n) {
  const [scenario, kind] = job.split("@");
  const openai = kind === "openai";
  const url = `${base}/s/${scenario}/v1/${openai ? "chat/completions" : "messages"}`;
  const body = openai
    ? { model: "gpt-4o", stream: true, messages: [{ role: "user", content: `Summarise report #${n}` }] }
    : { model: "claude-sonnet-4-5", max_tokens: 1024, stream: true, messages: [{ role: "user", content: `Summarise report #${n}` }] };
  log("info", `call ${n}: streaming from ${scenario}`);
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(scenario === "stall" ? 4000 : 90000),
    });
    log("info", `call ${n}: POST ${url} status ${response.status} request-id=${response.headers.get(openai ? "x-request-id" : "request-id")} in ${Date.now() - started}ms`);
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(event)?.[1];
        if (name && name !== "ping") log("debug", `event ${name}`);
        if (!name && event.includes("chat.completion.chunk")) {
          const finish = /"finish_reason":"?(\w+)"?/.exec(event)?.[1];
          log("debug", `chunk chat.completion.chunk finish_reason=${finish}`);
        }
      }
    }
    log("info", `call ${n}: stream ended`);
  } catch (err) {
    log("error", `call ${n}: stream failed`, err);
  }
}

let n = 0;
for (const job of jobs) await run(job, ++n);
