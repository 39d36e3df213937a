#!/usr/bin/env python3
"""Regenerates SampleLogs/ by running the real anthropic and openai Python
packages (a current and an older release of each, in their own virtual
environments) against the fault server on 127.0.0.1, and gzipping what the
application logged.

    python3 Tools/samples/generate.py            # all incidents
    python3 Tools/samples/generate.py 03 10      # only incidents whose name starts so

Then re-record the expected reports with
    RECORD_GOLDEN=1 swift test --filter GoldenReportTests
and read the diff before committing it.  Every run is bounded: the server
stops itself after its lifetime, and each client process is killed after
CLIENT_LIMIT seconds.
"""
import contextlib
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLES = ROOT / "SampleLogs"
CLIENT_LIMIT = 150
VENVS = {"current": HERE / ".venv-current", "older": HERE / ".venv-older", "mitm": HERE / ".venv-mitm"}

# Each incident: a list of log files; each file is one application run.
#   (file name, venv, log format, environment, app arguments)
INCIDENTS = {
    "01-server-fin-mid-delta": [
        ("app.log.gz", "current", "thread", {}, ["--job", "complete", "--job", "fin-mid-delta",
                                                 "--job", "complete"]),
    ],
    "02-server-rst-mid-delta": [
        ("app.log.gz", "older", "sdk-debug", {"ANTHROPIC_LOG": "debug"},
         ["--job", "complete@create", "--job", "rst-mid-delta@create"]),
    ],
    "03-proxy-idle-timeout": [
        ("app.log.gz", "current", "dash", {}, ["--job", "idle-close", "--job", "complete"]),
    ],
    "04-client-read-timeout": [
        ("anthropic.log.gz", "current", "pipe", {}, ["--timeout", "15", "--job", "stall"]),
        ("openai.log.gz", "current", "pipe", {}, ["--timeout", "15", "--job", "stall@openai"]),
    ],
    "05-api-status-errors": [
        ("app.log.gz", "current", "thread", {}, ["--job", "status-400", "--job", "status-401",
                                                 "--job", "status-429", "--job", "status-529",
                                                 "--job", "overloaded-then-ok"]),
    ],
    "06-midstream-error-event": [
        ("app.log.gz", "older", "basic", {}, ["--job", "error-event", "--job", "complete"]),
    ],
    "07-clean-truncation": [
        ("app.log.gz", "current", "loguru", {}, ["--job", "clean-truncation@create"]),
    ],
    "08-client-cancel": [
        ("app.log.gz", "current", "thread", {}, ["--job", "complete@app-error",
                                                 "--job", "complete@deadline"]),
    ],
    "09-openai-streams": [
        ("openai-3.54.log.gz", "current", "thread", {},
         ["--job", "complete@openai", "--job", "fin-mid-delta@openai"]),
        ("openai-2.54.log.gz", "older", "thread", {}, ["--job", "rst-mid-delta@openai"]),
    ],
    "10-mixed-workers": [
        ("app.log.gz", "current", "thread", {},
         ["--concurrency", "4", "--leak-key", "--stagger", "0.4",
          "--job", "complete", "--job", "fin-mid-delta", "--job", "complete@create",
          "--job", "tool-pause", "--job", "rst-mid-delta", "--job", "complete@openai",
          "--job", "status-529", "--job", "error-event", "--job", "complete",
          "--job", "clean-truncation@create", "--job", "fin-mid-delta@uncaught",
          "--job", "complete"]),
        ("app.log.1.gz", "current", "thread", {}, ["--concurrency", "2", "--job", "complete",
                                                   "--job", "complete@openai", "--job", "complete"]),
    ],
    "11-httpcore-trace": [
        ("app.log.gz", "current", "thread", {}, ["--httpcore-debug", "--job", "complete",
                                                 "--job", "rst-mid-delta"]),
    ],
    "13-node-fetch": [
        ("console.log.gz", "node", "console", {}, ["fin-mid-delta", "complete", "rst-mid-delta", "stall"]),
        ("pino.log.gz", "node", "pino", {}, ["complete@openai", "fin-mid-delta@openai", "rst-mid-delta"]),
    ],
    "14-openai-responses": [
        ("app.log.gz", "current", "thread", {}, ["--job", "complete@responses", "--job", "fin-mid-delta@responses",
                                                 "--job", "response-failed@responses"]),
    ],
    "12-json-logs": [
        ("structlog.log.gz", "current", "structlog", {}, ["--job", "complete", "--job", "fin-mid-delta",
                                                         "--job", "status-529"]),
        ("jsonlogger.log.gz", "current", "jsonlogger", {}, ["--concurrency", "2", "--job", "rst-mid-delta",
                                                           "--job", "complete@openai", "--job", "error-event"]),
    ],
}
# Incidents captured on loopback around their own fault server: (incident, venv, app arguments).
CAPTURES = {
    "20-capture-loopback": ("current", ["--timeout", "8", "--job", "complete", "--job", "fin-mid-delta",
                                        "--job", "rst-mid-delta", "--job", "error-event@create",
                                        "--job", "clean-truncation@create", "--job", "stall"]),
    # HTTPS with a throwaway certificate made for the run: the capture has no keys.
    "21-capture-tls": ("current", ["--timeout", "8", "--job", "complete", "--job", "fin-mid-delta",
                                   "--job", "rst-mid-delta", "--job", "stall"]),
    # pcapng from dumpcap, the older SDKs, and OpenAI alongside Anthropic.
    "24-capture-pcapng": ("older", ["--timeout", "8", "--job", "complete", "--job", "fin-mid-delta",
                                    "--job", "rst-mid-delta@openai", "--job", "complete@openai"]),
    # HTTPS through a company-style CONNECT proxy that closes tunnels idle for 5 s, captured between the client and
    # the proxy: the CONNECT exchange, then TLS.
    "26-capture-proxy-connect": ("current", ["--timeout", "30", "--job", "complete", "--job", "fin-mid-delta",
                                             "--job", "stall"]),
    # Cut packets: the snap length keeps heads and short events, not the long ones.
    "25-capture-snaplen": ("current", ["--timeout", "8", "--job", "complete", "--job", "fin-mid-delta",
                                       "--job", "rst-mid-delta", "--job", "clean-truncation@create"]),
}
TLS_CAPTURES = {"21-capture-tls", "26-capture-proxy-connect"}
# Captures made through a CONNECT proxy (Tools/samples/connect_proxy.py): its idle limit, in seconds.
PROXIED = {"26-capture-proxy-connect": 5}
# How each capture is recorded (tcpdump with the full packets unless said otherwise): the file name and the
# command, with {port} and {file} filled in.
RECORDERS = {
    # dumpcap (Wireshark's capture engine) writes pcapng.
    "24-capture-pcapng": ("capture.pcapng", ["dumpcap", "-q", "-i", "lo", "-f", "tcp port {port}", "-w", "{file}"]),
    # A snap length that cuts the heads and the longer events (capture loss, not a cut by the server), recorded
    # on every interface, as `tcpdump -i any` writes it: Linux cooked capture v2 (SLL2).
    "25-capture-snaplen": ("capture.pcap", ["tcpdump", "-i", "any", "-s", "{snaplen}", "-U", "-w", "{file}",
                                            "tcp port {port}"]),
}
SNAPLEN = 300
# curl traces of single requests: (file name stem, scenario, API path, curl's trace options). The date goes into the
# file name, since curl prints times of day only.
CURL_TRACES = {
    "22-curl-traces": [
        ("complete-openai", "complete", "/v1/chat/completions", ["--trace-ascii", "{file}", "--trace-time"]),
        ("fin-mid-delta", "fin-mid-delta", "/v1/messages", ["--trace-ascii", "{file}", "--trace-time"]),
        ("rst-mid-delta", "rst-mid-delta", "/v1/messages", ["--trace", "{file}"]),
        ("stall", "stall", "/v1/messages", ["--trace-ascii", "{file}", "--trace-time", "--speed-time", "3",
                                             "--speed-limit", "1"]),
        ("error-event", "error-event", "/v1/messages", ["--trace-ascii", "{file}", "--trace-time"]),
        ("clean-truncation", "clean-truncation", "/v1/messages", ["--trace", "{file}", "--trace-time"]),
        # Nothing listens on port 9 on loopback: curl cannot connect at all.
        ("connect-refused", "connect-refused", "/v1/messages", ["--trace-ascii", "{file}", "--trace-time"]),
        # HTTP/2 over TLS through mitmproxy (a reverse proxy in front of the fault server): the proxy turns the
        # upstream's FIN into a reset of the HTTP/2 stream, curl's (92).
        ("h2-complete", "complete", "/v1/messages", ["--http2", "--trace-ascii", "{file}", "--trace-time"]),
        ("h2-fin-mid-delta", "fin-mid-delta", "/v1/messages", ["--http2", "--trace-ascii", "{file}", "--trace-time"]),
        # What people paste most: `curl -v` (heads and curl's remarks, no body), kept from its stderr.
        ("verbose-fin-mid-delta", "fin-mid-delta", "/v1/messages", ["-v"]),
    ],
}
# A HAR exported by mitmproxy (a reverse proxy in front of the fault server, curl as the client): how a proxy
# that buffers bodies records streams that were cut.
HAR_EXPORTS = {"23-har-mitmproxy": ["complete", "fin-mid-delta", "rst-mid-delta", "clean-truncation", "error-event"]}
CURL_BODIES = {
    "/v1/messages": '{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,'
                    '"messages":[{"role":"user","content":"Summarise incident report #7 in three sentences."}]}',
    "/v1/chat/completions": '{"model":"gpt-5.1","stream":true,'
                            '"messages":[{"role":"user","content":"Summarise incident report #7."}]}',
}
# Files written whole and then cut, as a log rotated mid-write is: (incident, file, fraction kept)
TRUNCATE = {("10-mixed-workers", "app.log.1.gz"): 0.6}


def venv_python(name):
    venv = VENVS[name]
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                        str(HERE / f"requirements-{name}.txt")], check=True)
    return str(python)


def scrub(text):
    """Replaces machine-specific paths so the samples do not depend on where they were made."""
    for venv in VENVS.values():
        text = text.replace(str(venv), "/srv/app/.venv")
    return text.replace(str(HERE), "/srv/app")


@contextlib.contextmanager
def work_folder(prefix):
    """A temporary folder, removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def loopback_service(script, port_file, args):
    """Runs one of the loopback helpers (it writes its port to `port_file` and stops itself); yields its port."""
    service = subprocess.Popen([sys.executable, str(HERE / script), "--port-file", str(port_file)] + list(args))
    try:
        for _ in range(100):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.05)
        yield port_file.read_text()
    finally:
        service.terminate()
        service.wait(timeout=10)


@contextlib.contextmanager
def fault_server(workdir, lifetime=CLIENT_LIMIT, extra_args=()):
    """Runs the fault server on 127.0.0.1 (it stops itself after `lifetime` seconds); yields its port."""
    with loopback_service("fault_server.py", workdir / "port", ["--lifetime", str(lifetime)] + list(extra_args)) as port:
        yield port


@contextlib.contextmanager
def connect_proxy(workdir, idle_timeout):
    """Runs the CONNECT proxy on 127.0.0.1 when `idle_timeout` is set (it stops itself); yields its port or None."""
    if idle_timeout is None:
        yield None
        return
    with loopback_service("connect_proxy.py", workdir / "proxy-port",
                          ["--idle-timeout", str(idle_timeout), "--lifetime", str(CLIENT_LIMIT)]) as port:
        yield port


def capture(incident, venv, args, pythons):
    """Runs one app against its own fault server while tcpdump records the loopback traffic."""
    with work_folder("dropscope-capture-") as workdir:
        tls = incident in TLS_CAPTURES
        server_args = []
        client_env = {}
        if tls:
            cert, key = workdir / "cert.pem", workdir / "key.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                            "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                            str(key), "-out", str(cert)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            server_args = ["--tls-cert", str(cert), "--tls-key", str(key)]
            client_env = {"SSL_CERT_FILE": str(cert)}
        with fault_server(workdir, extra_args=server_args) as port, connect_proxy(workdir, PROXIED.get(incident)) as proxy:
            if proxy:
                client_env.update({"HTTPS_PROXY": f"http://127.0.0.1:{proxy}", "NO_PROXY": "", "no_proxy": ""})
            target = SAMPLES / incident
            target.mkdir(parents=True, exist_ok=True)
            name, recorder = RECORDERS.get(incident, ("capture.pcap", ["tcpdump", "-i", "lo", "-s", "0", "-U", "-w",
                                                                        "{file}", "tcp port {port}"]))
            pcap = target / name
            watched = proxy or port  # through a proxy, the capture is of the client's side of it
            command = [part.replace("{port}", watched).replace("{file}", str(pcap)).replace("{snaplen}", str(SNAPLEN))
                       for part in recorder]
            dump = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            log = workdir / "app.log"
            with open(log, "w") as handle:
                base = f"https://localhost:{port}" if tls else f"http://127.0.0.1:{port}"
                subprocess.run([pythons[venv], str(HERE / "app.py"), "--base", base, "--format",
                                "thread"] + args, stdout=handle, stderr=subprocess.STDOUT, timeout=CLIENT_LIMIT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", **client_env})
            time.sleep(1.0)
            dump.terminate()
            dump.wait(timeout=10)
            pcap.chmod(0o644)  # dumpcap and tcpdump write files only their user may read
            (target / "app.log.gz").write_bytes(gzip.compress(scrub(log.read_text()).encode(), mtime=0))
            print(f"{incident}: capture {pcap.stat().st_size} bytes")


def curl_traces(incident, traces):
    """Runs curl against the fault server once per fault, writing its own trace files; HTTP/2 goes through
    mitmdump, which speaks HTTP/2 over TLS to curl and HTTP/1.1 to the fault server."""
    with work_folder("dropscope-curl-") as workdir, fault_server(workdir) as port:
        target = SAMPLES / incident
        if target.exists():
            for old in list(target.glob("*.trace")) + list(target.glob("*.txt")):
                old.unlink()
        target.mkdir(parents=True, exist_ok=True)
        day = time.strftime("%Y-%m-%d", time.gmtime())
        proxy = None
        proxy_port = "18443"
        try:
            if any("--http2" in options for _, _, _, options in traces):
                mitmdump = str(Path(venv_python("mitm")).parent / "mitmdump")
                proxy = subprocess.Popen([mitmdump, "--mode", f"reverse:http://127.0.0.1:{port}", "--listen-host",
                                          "127.0.0.1", "-p", proxy_port, "--set", "stream_large_bodies=1",
                                          "--set", f"confdir={workdir / 'mitmproxy'}"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(3)
            for stem, scenario, path, options in traces:
                verbose = "-v" in options
                trace = target / f"{stem}.{day}.{'txt' if verbose else 'trace'}"
                headers = ["-H", "content-type: application/json"]
                if path == "/v1/messages":
                    headers += ["-H", "x-api-key: sk-ant-api03-Xq7curlTRACEsampleKEYnotREAL0123456789abcdef",
                                "-H", "anthropic-version: 2023-06-01"]
                else:
                    headers += ["-H", "Authorization: Bearer sk-proj-curlTRACEsampleKEYnotREAL0123456789"]
                if scenario == "connect-refused":
                    url = f"http://127.0.0.1:9{path}"
                elif "--http2" in options:
                    url = f"https://127.0.0.1:{proxy_port}/s/{scenario}{path}"
                    options = options + ["-k"]  # mitmproxy's own certificate, made for the run
                else:
                    url = f"http://127.0.0.1:{port}/s/{scenario}{path}"
                cmd = ["curl", "-sS", "-N", "-o", "/dev/null"] + [o.replace("{file}", str(trace)) for o in options] + \
                    headers + ["-d", CURL_BODIES[path], url]
                done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, timeout=60,
                                      env={**os.environ, "TZ": "UTC"})
                if verbose:
                    trace.write_text(done.stderr)
                last = (done.stderr.strip().splitlines() or [""])[-1]
                print(f"{incident}/{trace.name}: curl exit {done.returncode} {last}")
        finally:
            if proxy:
                proxy.terminate()
                proxy.wait(timeout=20)


def har_export(incident, scenarios):
    """Runs curl through mitmdump in reverse-proxy mode and keeps the HAR it writes."""
    mitmdump = str(Path(venv_python("mitm")).parent / "mitmdump")
    with work_folder("dropscope-har-") as workdir, fault_server(workdir) as port:
        proxy = None
        try:
            target = SAMPLES / incident
            target.mkdir(parents=True, exist_ok=True)
            har = target / "session.har"
            proxy_port = "18089"
            proxy = subprocess.Popen([mitmdump, "--mode", f"reverse:http://127.0.0.1:{port}", "--listen-host", "127.0.0.1",
                                      "-p", proxy_port, "--set", f"hardump={har}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(3)
            for scenario in scenarios:
                done = subprocess.run(["curl", "-sS", "-N", "-o", "/dev/null", "-H", "content-type: application/json",
                                       "-H", "x-api-key: sk-ant-api03-Xq7harSAMPLEkeyNOTreal0123456789abcdef",
                                       "-d", CURL_BODIES["/v1/messages"],
                                       f"http://127.0.0.1:{proxy_port}/s/{scenario}/v1/messages"],
                                      stderr=subprocess.PIPE, text=True, timeout=60)
                print(f"{incident}: {scenario} through mitmproxy, curl exit {done.returncode} {done.stderr.strip()}")
            proxy.send_signal(signal.SIGINT)  # mitmdump writes the HAR as it stops
            proxy.wait(timeout=20)
            proxy = None
        finally:
            if proxy:
                proxy.kill()


def main():
    wanted = sys.argv[1:]
    for incident, scenarios in HAR_EXPORTS.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            har_export(incident, scenarios)
    for incident, traces in CURL_TRACES.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            curl_traces(incident, traces)
    for incident, (venv, args) in CAPTURES.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            capture(incident, venv, args, {venv: venv_python(venv)})
    if wanted and not any(k.startswith(w) for k in INCIDENTS for w in wanted):
        return
    incidents = {k: v for k, v in INCIDENTS.items() if not wanted or any(k.startswith(w) for w in wanted)}
    pythons = {venv: venv_python(venv) for files in incidents.values() for _, venv, _, _, _ in files if venv != "node"}
    with work_folder("dropscope-samples-") as workdir, fault_server(workdir, CLIENT_LIMIT + 60) as port:
        base = f"http://127.0.0.1:{port}"
        runs = []
        for incident, files in incidents.items():
            for name, venv, fmt, env, args in files:
                out = workdir / f"{incident}--{name}.txt"
                if venv == "node":
                    # Node's own fetch (undici): the npm registry, and so the TS SDKs, cannot be reached here.
                    cmd = ["node", str(HERE / "node_app.mjs"), base] + args
                    env = {**env, "LOG_FORMAT": fmt}
                else:
                    cmd = [pythons[venv], str(HERE / "app.py"), "--base", base, "--format", fmt] + args
                handle = open(out, "w")
                proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT,
                                        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"})
                runs.append((incident, name, out, proc, handle))
        deadline = time.monotonic() + CLIENT_LIMIT
        for incident, name, out, proc, handle in runs:
            try:
                proc.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                print(f"{incident}/{name}: client killed after {CLIENT_LIMIT} s", file=sys.stderr)
            handle.close()
            target_dir = SAMPLES / incident
            target_dir.mkdir(parents=True, exist_ok=True)
            data = scrub(out.read_text()).encode()
            packed = gzip.compress(data, mtime=0)
            keep = TRUNCATE.get((incident, name))
            if keep:
                packed = packed[: int(len(packed) * keep)]
            (target_dir / name).write_bytes(packed)
            print(f"{incident}/{name}: {len(data)} bytes of log, exit {proc.returncode}")


if __name__ == "__main__":
    main()
