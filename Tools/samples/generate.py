#!/usr/bin/env python3
"""Regenerates SampleLogs/ by running the real anthropic and openai Python
packages (a current and an older release of each, in their own virtual
environments) against the fault server on 127.0.0.1, and gzipping what the
application logged.

    python3 Tools/samples/generate.py            # all incidents
    python3 Tools/samples/generate.py 03 10      # only incidents whose name starts so

Incidents 27 and on (RECORDED below) are each run against a fault server of their own that writes what it
knew about every request (--events), while the application writes what it saw per job (--truth); the two
make the incident's expected-verdicts.json, the ground truth Tools/samples/score_samples.py scores against.
The captures among them need tcpdump (apt-get install -y tcpdump).

Then re-record the expected reports with
    RECORD_GOLDEN=1 swift test --filter GoldenReportTests
and read the diff before committing it.  Every run is bounded: the server
stops itself after its lifetime, and each client process is killed after
CLIENT_LIMIT seconds.
"""
import collections
import contextlib
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLES = ROOT / "SampleLogs"
CLIENT_LIMIT = 150
VENVS = {"current": HERE / ".venv-current", "older": HERE / ".venv-older", "mitm": HERE / ".venv-mitm",
         "recursive": HERE / ".venv-recursive", "clients": HERE / ".venv-clients"}

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
    # HTTPS whose client wrote its TLS secrets (SSLKEYLOGFILE, honoured by Python's ssl): the key log sits beside
    # the capture, and dropscope reads the session as plain text.
    "38-capture-tls-keylog": ("current", ["--timeout", "8", "--job", "complete", "--job", "fin-mid-delta"]),
}
TLS_CAPTURES = {"21-capture-tls", "26-capture-proxy-connect", "38-capture-tls-keylog"}
# TLS captures whose client writes a key log: the incident it goes to, and the incidents made from the same run,
# (folder, how): "embedded" is the capture as pcapng with the key log injected by `editcap --inject-secrets` (a
# Decryption Secrets Block), "keyless" the capture alone (the keys missing).
KEYLOGGED = {"38-capture-tls-keylog": [("39-capture-tls-embedded-keys", "embedded"),
                                       ("40-capture-tls-keys-missing", "keyless")]}
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


def envelope_wrap(kind, text):
    """The log as a platform keeps it (Tools/devset/envelopes.py: CRI, Docker json-file, journald JSON, …)."""
    sys.path.insert(0, str(HERE.parent / "devset"))
    from envelopes import wrap
    return wrap(kind, text)


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
            if incident in KEYLOGGED:
                client_env["SSLKEYLOGFILE"] = str(workdir / "sslkeylog.txt")
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
            if incident in KEYLOGGED:
                keylog_variants(target, pcap, workdir / "sslkeylog.txt", KEYLOGGED[incident])


def keylog_variants(target, pcap, keylog, variants):
    """Puts the run's key log beside its capture, and makes the incidents of the same run: the capture with the
    keys inside it (pcapng, `editcap --inject-secrets`), and the capture with no keys at all."""
    shutil.copyfile(keylog, target / "sslkeylog.txt")
    (target / "sslkeylog.txt").chmod(0o644)
    for folder, how in variants:
        other = SAMPLES / folder
        other.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target / "app.log.gz", other / "app.log.gz")
        if how == "embedded":
            subprocess.run(["editcap", "--inject-secrets", f"tls,{keylog}", str(pcap), str(other / "capture.pcapng")],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            shutil.copyfile(pcap, other / "capture.pcap")
        print(f"{folder}: from the run of {target.name} ({how})")


# curl over TLS with a key log, one connection per TLS version and AEAD suite, for the decryption tests:
# (connection name, scenario, curl's TLS options).
TLS_SUITES = [
    ("tls12-aes128gcm", "complete", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256"]),
    ("tls12-aes256gcm", "fin-mid-delta", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384"]),
    ("tls12-chacha20", "complete", ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-CHACHA20-POLY1305"]),
    ("tls13-aes256gcm", "fin-mid-delta", ["--tlsv1.3", "--tls13-ciphers", "TLS_AES_256_GCM_SHA384"]),
    ("tls13-chacha20", "complete", ["--tlsv1.3", "--tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256"]),
]
TLS_FIXTURES = ROOT / "Tests" / "DropscopeCoreTests" / "Fixtures" / "TLS"


def tls_suite_fixtures():
    """Records curl over TLS 1.2 and 1.3 with each AEAD suite against the fault server, with SSLKEYLOGFILE:
    the capture and the key log are test fixtures (Fixtures/TLS/suites.pcap, suites.keylog)."""
    with work_folder("dropscope-tls-") as workdir:
        cert, key = workdir / "cert.pem", workdir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                        str(key), "-out", str(cert)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        TLS_FIXTURES.mkdir(parents=True, exist_ok=True)
        pcap, keylog = TLS_FIXTURES / "suites.pcap", workdir / "suites.keylog"
        with fault_server(workdir, extra_args=["--tls-cert", str(cert), "--tls-key", str(key)]) as port:
            dump = start_tcpdump(pcap, port)
            for name, scenario, options in TLS_SUITES:
                cmd = ["curl", "-sS", "-N", "--http1.1", "--cacert", str(cert), "-o", "/dev/null"] + options + \
                    ["-H", "content-type: application/json", "-H", "anthropic-version: 2023-06-01",
                     "-d", CURL_BODIES["/v1/messages"], f"https://localhost:{port}/s/{scenario}/v1/messages"]
                done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, timeout=60,
                                      env={**os.environ, "SSLKEYLOGFILE": str(keylog)})
                print(f"tls suites: {name} ({scenario}): curl exit {done.returncode}")
            time.sleep(1.0)
            dump.terminate()
            dump.wait(timeout=10)
        pcap.chmod(0o644)
        shutil.copyfile(keylog, TLS_FIXTURES / "suites.keylog")


# curl speaking HTTP/2 to the HTTP/2 fault server (Tools/samples/h2_fault_server.py): in plain text with prior
# knowledge (h2c), and over TLS with ALPN h2 and SSLKEYLOGFILE (the key log beside the capture). (scenario, curl
# options): a completed stream, a FIN, a server RST_STREAM, a GOAWAY, and curl giving up on a slow stream.
H2_CAPTURES = {"41-capture-h2c": False, "42-capture-h2-tls-keylog": True}
H2_SCENARIOS = [("complete", []), ("fin-mid-delta", []), ("rst-stream", []), ("goaway", []),
                ("slow", ["--max-time", "2.5"])]


def self_signed_certificate(workdir):
    """A certificate for localhost and 127.0.0.1 with its key, made for the run: (cert, key) paths."""
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                    str(key), "-out", str(cert)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


@contextlib.contextmanager
def h2_fault_server(workdir, server_args):
    """Runs Tools/samples/h2_fault_server.py (it stops itself after 60 s); yields its port."""
    service = subprocess.Popen([venv_python("current"), str(HERE / "h2_fault_server.py"), "--port-file",
                                str(workdir / "port"), "--lifetime", "60"] + server_args)
    try:
        for _ in range(100):
            if (workdir / "port").exists() and (workdir / "port").read_text():
                break
            time.sleep(0.05)
        yield (workdir / "port").read_text()
    finally:
        service.terminate()
        service.wait(timeout=10)


def h2_captures(incident, tls):
    """Records curl over HTTP/2 against the HTTP/2 fault server on loopback, one connection per scenario."""
    with work_folder("dropscope-h2-") as workdir:
        server_args, client_options, env = [], ["--http2-prior-knowledge"], dict(os.environ)
        if tls:
            cert, key = self_signed_certificate(workdir)
            server_args = ["--tls-cert", str(cert), "--tls-key", str(key)]
            client_options = ["--http2", "--cacert", str(cert)]
            env["SSLKEYLOGFILE"] = str(workdir / "sslkeylog.txt")
        target = SAMPLES / incident
        target.mkdir(parents=True, exist_ok=True)
        pcap = target / "capture.pcap"
        with h2_fault_server(workdir, server_args) as port:
            dump = start_tcpdump(pcap, port)
            for scenario, options in H2_SCENARIOS:
                scheme = "https://localhost" if tls else "http://127.0.0.1"
                cmd = ["curl", "-sS", "-N", "-o", "/dev/null"] + client_options + options + \
                    ["-H", "content-type: application/json", "-H", "anthropic-version: 2023-06-01",
                     "-d", CURL_BODIES["/v1/messages"], f"{scheme}:{port}/s/{scenario}/v1/messages"]
                done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, timeout=60, env=env)
                print(f"{incident}: {scenario}: curl exit {done.returncode} {done.stderr.strip()}")
            time.sleep(1.0)
            dump.terminate()
            dump.wait(timeout=10)
        pcap.chmod(0o644)
        if tls:
            shutil.copyfile(workdir / "sslkeylog.txt", target / "sslkeylog.txt")


# curl running several transfers at once over one HTTP/2 connection (`--parallel`) to the HTTP/2 fault server over
# TLS: with `--trace-ids` (curl 8.2 and later; DROPSCOPE_CURL8 names such a curl when the system's is older, e.g.
# Debian bookworm-backports' unpacked with `dpkg -x`), whose lines say which transfer they are, and without (the
# system's curl 7.88), whose received lines do not; and curl 8 alone on a FIN mid-stream, which its trace shows
# only as the server's close_notify. (file stem, curl, trace-ids, scenarios, extra options)
CURL_H2_PARALLEL = {
    "50-curl-h2-parallel": [
        ("parallel-trace-ids", "curl8", True, ["complete", "rst-stream", "complete"], ["--parallel"]),
        ("parallel-no-ids", "curl", False, ["complete", "rst-stream"], ["--parallel"]),
        ("fin-close-notify", "curl8", False, ["fin-mid-delta"], []),
    ],
}


def curl_h2_parallel(incident, runs):
    """Records curl's own traces of HTTP/2 transfers against the HTTP/2 fault server over TLS on loopback."""
    curl8 = os.environ.get("DROPSCOPE_CURL8", "curl")
    with work_folder("dropscope-h2-curl-") as workdir:
        cert, key = self_signed_certificate(workdir)
        target = SAMPLES / incident
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("*.trace"):
            old.unlink()
        day = time.strftime("%Y-%m-%d", time.gmtime())
        with h2_fault_server(workdir, ["--tls-cert", str(cert), "--tls-key", str(key)]) as port:
            for stem, which, ids, scenarios, options in runs:
                trace = target / f"{stem}.{day}.trace"
                cmd = [curl8 if which == "curl8" else "curl", "-sS", "-N", "--http2", "--cacert", str(cert),
                       "--trace-ascii", str(trace), "--trace-time"] + (["--trace-ids"] if ids else []) + options + \
                    ["-H", "content-type: application/json", "-H", "anthropic-version: 2023-06-01",
                     "-d", CURL_BODIES["/v1/messages"]]
                for scenario in scenarios:
                    cmd += [f"https://localhost:{port}/s/{scenario}/v1/messages", "-o", "/dev/null"]
                done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, timeout=60, env={**os.environ, "TZ": "UTC"})
                last = (done.stderr.strip().splitlines() or [""])[-1]
                print(f"{incident}/{trace.name}: curl exit {done.returncode} {last}")


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


# Incidents recorded with worker_app.py (an application written apart from app.py: other log styles, other error
# handling, sync and async), each against a fault server of its own that writes what it knew per request; the
# worker writes what it saw per job, and the two make expected-verdicts.json.
#   incident: {"runs": [(file name, venv, app arguments, environment)], "capture": None or how to capture}
# A capture is tcpdump on lo, filtered by the fault server's port, into capture.pcap; "after_jobs"/"delay" start it
# only once that many jobs are over and that many seconds later, so it begins in the middle of a connection.
RECORDED = {
    # A service that logs only its own lines (gunicorn's layout, the HTTP library silenced): a completed job, a
    # stream cut by an idle limit mid-stream, and a call whose three attempts are each closed before the response
    # head after the same 4 s wait.  The second worker has the root logger at WARNING, so even the SDK's
    # "Retrying request" lines do not show.
    "27-app-lines-only": {"runs": [
        ("worker-1.log.gz", "current", ["--style", "gunicorn", "--job", "complete@stream",
                                        "--job", "idle-close-6@create", "--job", "head-close-4@stream"], {}),
        ("worker-2.log.gz", "current", ["--style", "gunicorn", "--only-app-lines", "--job", "complete@create",
                                        "--job", "head-close-4@create", "--job", "idle-close-5@stream"], {}),
    ]},
    # The caller gives up: it breaks out of the loop, it calls stream.close() and logs that it aborted, the
    # worker's own code raises inside the loop; sync and async.
    "28-client-cancels": {"runs": [
        ("sync.log.gz", "current", ["--style", "plain", "--job", "complete@stream+break=8",
                                    "--job", "complete@create+close=5", "--job", "complete@stream+bug=10",
                                    "--job", "complete@openai+close=6", "--job", "complete@stream"], {}),
        ("async.log.gz", "current", ["--style", "plain", "--async", "--job", "complete@stream+break=7",
                                     "--job", "complete@create+close=4", "--job", "complete@create+bug=9",
                                     "--job", "complete@create"], {}),
    ]},
    # Only anthropic.APIError is caught: the 529s are logged, the mid-stream transport error the SDK lets through
    # escapes and Python prints it with no timestamp (the worker exits 1).  Async on httpx2 (anthropic 2.12.0,
    # JSON lines) and sync on httpx (anthropic 0.79.0).
    "29-uncaught-transport-errors": {"runs": [
        ("async-jsonl.log.gz", "current", ["--style", "jsonl", "--handling", "apierror", "--async",
                                           "--job", "status-529@create", "--job", "complete@stream",
                                           "--job", "fin-mid-chunk@create"], {}),
        ("sync.log.gz", "older", ["--style", "seconds", "--handling", "apierror", "--job", "complete@create",
                                  "--job", "status-400@stream", "--job", "rst-mid-delta@stream"], {}),
    ]},
    # anthropic 0.34.2 and openai 1.30.5 retry from inside their except block (_base_client._retry_request is
    # called while the previous attempt's exception is being handled), so the final error is one chained
    # traceback with one failure per attempt: closes before the head, read timeouts before the head.
    "30-recursive-retries-old-sdk": {"runs": [
        ("app.log.gz", "recursive", ["--style", "plain", "--job", "complete@create", "--job", "head-close-3@create",
                                     "--job", "head-stall@stream+read=2", "--job", "head-close-2@openai"], {}),
        ("sdk-debug.log.gz", "recursive", ["--style", "sdk-debug", "--job", "head-close-2@create"],
         {"ANTHROPIC_LOG": "debug"}),
    ]},
    # Worker threads whose HTTP library logs every response: one thread sees 529, 529, then 200 and the stream,
    # with no events between the responses (Anthropic and OpenAI), beside a completed stream and a call that
    # stays 529.
    "31-thread-several-responses": {"runs": [
        ("app.log.gz", "current", ["--style", "threads", "--concurrency", "3", "--job", "overloaded-then-ok@create",
                                   "--job", "overloaded-then-ok@openai", "--job", "complete@stream",
                                   "--job", "status-529@stream"], {}),
    ]},
    # Captures with the application's log of the same run.
    # A read timeout of 2 s (httpx Timeout read=2) in the middle of a stream: anthropic leaks httpx2.ReadTimeout,
    # openai 3.54 wraps it.
    "32-capture-read-timeout-mid-stream": {"capture": {}, "runs": [
        ("app.log.gz", "current", ["--style", "plain", "--job", "complete@stream", "--job", "stall@create+read=2",
                                   "--job", "stall@openai+read=2"], {}),
    ]},
    # The client's 2 s read timeout fires before the response head, on every attempt (anthropic 0.79.0 with
    # ANTHROPIC_LOG=debug).
    "33-capture-timeout-before-head": {"capture": {}, "runs": [
        ("app.log.gz", "older", ["--style", "sdk-debug", "--job", "complete@create",
                                 "--job", "head-stall@stream+read=2"], {"ANTHROPIC_LOG": "debug"}),
    ]},
    # The server (an idle limit in front of it) closes before the response head after 3 s, on every attempt;
    # only the worker's own lines are logged.
    "34-capture-close-before-head": {"capture": {}, "runs": [
        ("app.log.gz", "current", ["--style", "gunicorn", "--only-app-lines", "--job", "complete@create",
                                   "--job", "head-close-3@create", "--job", "complete@stream"], {}),
    ]},
    # The client closes mid-stream (FIN) while the server goes on writing: the bytes after the client's FIN, and
    # the client's RST that answers them.
    "35-capture-client-close-server-writes": {"capture": {}, "runs": [
        ("app.log.gz", "current", ["--style", "jsonl", "--job", "complete@stream+break=6",
                                   "--job", "complete@create+close=4", "--job", "complete@create"], {}),
    ]},
    # A capture started in the middle of a connection: a long tool run with pings every 3 s is under way when
    # tcpdump starts; the completed job before it is not in the capture at all.
    "36-capture-started-mid-connection": {"capture": {"after_jobs": 1, "delay": 3.0}, "runs": [
        ("app.log.gz", "current", ["--style", "plain", "--job", "complete@create", "--job", "tool-pause-12@stream",
                                   "--job", "fin-mid-delta@create"], {}),
    ]},
    # Today's clients on top of the SDKs.  LiteLLM streams through its own HTTP client and wraps what goes wrong
    # mid-stream in its own exceptions (MidStreamFallbackError around the transport error); LangChain's
    # ChatAnthropic passes anthropic's raw httpx2 error straight through.
    "43-litellm": {"runs": [
        ("app.log.gz", "clients", ["--style", "plain", "--job", "complete@litellm", "--job", "fin-mid-delta@litellm",
                                   "--job", "rst-mid-delta@litellm", "--job", "idle-close-4@litellm",
                                   "--job", "status-529@litellm", "--job", "complete@litellm+break=5"],
         # Its price table from the package, not from the network: samples talk to loopback only.
         {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}),
    ]},
    "44-langchain": {"runs": [
        ("app.log.gz", "clients", ["--style", "plain", "--job", "complete@langchain",
                                   "--job", "fin-mid-delta@langchain", "--job", "rst-mid-delta@langchain",
                                   "--job", "idle-close-4@langchain", "--job", "status-529@langchain",
                                   "--job", "error-event@langchain"], {}),
    ]},
    # A busy asyncio service: 30 calls, up to 12 in flight at once on one event loop (AsyncAnthropic, anthropic
    # 2.15.0), every fault mixed in; the HTTP library's lines carry no task, so a call is known by its request id,
    # its job's own lines and time.  Logged plainly, and as Kubernetes keeps it (CRI) in the second file.
    "45-many-async-calls": {"runs": [
        ("app.log.gz", "clients", ["--style", "plain", "--async", "--concurrency", "12"] + [
            arg for spec in ["complete@stream", "fin-mid-delta@create", "complete@create", "rst-mid-delta@stream",
                             "complete@stream", "idle-close-4@create", "complete@create", "status-529@create",
                             "complete@stream+break=6", "error-event@stream"] * 3 for arg in ("--job", spec)], {}),
    ]},
    # Many calls as a platform keeps their log.  openai 3.57.0 on eight worker threads, 24 calls with every fault
    # mixed in, the log as a Kubernetes node keeps a container's output (CRI); and 20 asyncio calls of anthropic
    # 2.15.0, up to 10 in flight, as Docker's json-file driver keeps it.  The envelopes follow the formats'
    # documentation (Tools/devset/envelopes.py cites it); each record is stamped with its line's own time.
    "46-openai-threads-cri": {"envelope": "cri", "runs": [
        ("app.log.gz", "clients", ["--style", "threads", "--concurrency", "8"] + [
            arg for spec in ["complete@openai", "fin-mid-delta@openai", "rst-mid-delta@openai", "complete@openai",
                             "idle-close-4@openai", "status-529@openai", "complete@openai+break=6",
                             "complete@openai"] * 3 for arg in ("--job", spec)], {}),
    ]},
    "47-many-async-calls-docker": {"envelope": "docker", "runs": [
        ("app.log.gz", "clients", ["--style", "plain", "--async", "--concurrency", "10"] + [
            arg for spec in ["complete@stream", "rst-mid-delta@create", "complete@create", "fin-mid-delta@stream",
                             "idle-close-4@stream", "complete@stream", "status-529@create", "error-event@stream",
                             "complete@create+break=4", "complete@stream"] * 2 for arg in ("--job", spec)], {}),
    ]},
    # A uvicorn/Starlette service with three worker processes, each request one job on the async clients (openai
    # 3.57.0 and anthropic 2.15.0 mixed), eight at once: uvicorn's own lines and access lines beside the
    # application's, the worker's PID the only context.
    "48-uvicorn-workers": {"app": "service_app.py", "runs": [
        ("app.log.gz", "clients", ["--workers", "3", "--concurrency", "8"] + [
            arg for spec in ["complete@openai", "fin-mid-delta@stream", "complete@create", "rst-mid-delta@openai",
                             "idle-close-4@create", "complete@stream", "status-529@openai", "error-event@stream",
                             "complete@openai+break=5", "complete@create"] * 2 for arg in ("--job", spec)], {}),
    ]},
    # gunicorn's log format (whole seconds, the worker's PID the only context, no HTTP-library lines) from ten worker
    # threads calling both APIs at once, kept by Cloud Logging: the SDKs' retry lines name no call, so the retried
    # attempts of the 529s must be told apart by the calls' own durations.
    "49-gunicorn-threads-gcloud": {"envelope": "gcloud", "runs": [
        ("app.log.gz", "clients", ["--style", "gunicorn", "--concurrency", "10"] + [
            arg for spec in ["complete@create", "status-529@openai", "fin-mid-delta@stream", "complete@openai",
                             "status-529@create", "rst-mid-delta@openai", "idle-close-4@create", "complete@stream",
                             "complete@openai+break=5", "error-event@stream"] * 3 for arg in ("--job", spec)], {}),
    ]},
    # A log with whole-second timestamps beside the capture of the same run.
    "37-capture-one-second-log": {"capture": {}, "runs": [
        ("app.log.gz", "current", ["--style", "seconds", "--job", "complete@stream", "--job", "fin-mid-delta@create",
                                   "--job", "rst-mid-delta@stream", "--job", "idle-close-4@stream",
                                   "--job", "tool-stall-5@create", "--job", "error-event@stream"], {}),
    ]},
}
CLOSED_BY_SERVER = {
    "fin_mid_delta": ("server_close_during_delta", "FIN in the middle of the deltas"),
    "fin_mid_chunk": ("server_close_during_delta", "FIN in the middle of an event's chunk"),
    "rst_mid_delta": ("server_close_during_delta", "RST in the middle of the deltas"),
    "clean_truncation": ("server_close_during_delta", "the terminating chunk without message_stop"),
    "fin_after_idle": ("idle_timeout", "FIN after {idle:.1f} s without a byte, mid-stream"),
    "fin_before_head": ("idle_timeout", "FIN {wait:.1f} s after the request, before any byte of the response"),
    "fin_after_stall": ("idle_timeout", "FIN after a {idle:.1f} s stall"),
    "fin_after_stall_before_head": ("idle_timeout", "FIN after a {wait:.1f} s stall before the head"),
    "error_event": ("server_error", "an `event: error` (overloaded_error) mid-stream"),
    "response_failed": ("server_error", "response.failed"),
}


def verdict(server, job, last):
    """The classification of one HTTP attempt, from what the server did and what the worker saw."""
    outcome = server["outcome"]
    idle = (server["t_end"] or 0) - (server["t_last_event"] or server["t_head"] or server["t_request"])
    wait = (server["t_end"] or 0) - server["t_request"]
    saw = job.get("exception") if job else None
    if not last:
        said = "; the SDK retried"
    elif saw:
        said = f"; the worker saw {saw}" + (" (raw, from the HTTP library)" if job.get("escaped_raw") else "")
    else:
        said = ""
    if last and job and job.get("outcome") == "cancelled":
        return "client_error", (f"the worker stopped reading after {job['deltas']} deltas "
                                f"({'stream.close()' if job.get('how') == 'close' else 'broke out of the loop'})")
    if last and job and job.get("outcome") == "app_error":
        return "client_error", f"the worker's own code raised inside the loop after {job['deltas']} deltas" + said
    if outcome == "completed":
        return "completed", f"the server sent the whole stream ({server['deltas_sent']} deltas)"
    if outcome == "status":
        status = server["status"]
        return ("client_error" if status < 500 else "server_error"), f"HTTP {status} before the stream" + said
    if outcome in ("client_closed", "client_closed_before_head"):
        where = "before the head" if outcome.endswith("before_head") else f"after {server['deltas_sent']} deltas"
        if job and job.get("timeout"):
            return "idle_timeout", f"the server went silent {where}; the client's read timeout closed it" + said
        return "client_error", f"the client closed the connection {where}" + said
    cls, text = CLOSED_BY_SERVER[outcome]
    return cls, "server: " + text.format(idle=idle, wait=wait) + said


def expected_verdicts(server_events, jobs, files):
    """One entry per HTTP attempt, in the order the requests reached the server."""
    by_call = {}
    for event in server_events:
        by_call.setdefault(event["call_id"], []).append(event)
    entries = []
    for event in sorted(server_events, key=lambda e: e["t_request"]):
        attempts = by_call[event["call_id"]]
        job = jobs.get(event["call_id"], {})
        last = event is attempts[-1]
        cls, why = verdict(event, job, last)
        # A log shows the requests made while its worker ran; a capture those still open when it started.
        seen_in = [name for name, t0, t1 in files
                   if (t0 <= (event["t_end"] or event["t_request"]) if name.endswith(".pcap")
                       else t0 <= event["t_request"] <= t1)]
        entries.append({"request_id": event["request_id"], "classification": cls,
                        "leak": bool(last and job.get("escaped_raw")), "why": why,
                        "job": event["call_id"], "attempt": attempts.index(event) + 1, "scenario": event["scenario"],
                        "t_request": datetime.fromtimestamp(event["t_request"], timezone.utc)
                        .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                        "client_port": event["client_port"], "files": seen_in})
    return entries


def record(incident, spec, pythons):
    """Runs an incident's workers against a fault server of its own, capturing if asked; writes the logs, the
    capture and expected-verdicts.json."""
    target = SAMPLES / incident
    if target.exists():
        for old in target.iterdir():
            if not old.name.startswith("expected-report"):
                old.unlink()
    target.mkdir(parents=True, exist_ok=True)
    with work_folder("dropscope-recorded-") as workdir:
        events, truth = workdir / "server-events.jsonl", workdir / "truth.jsonl"
        capture = spec.get("capture")
        seed = int(incident[:2])  # ids of their own per incident, the same at each regeneration
        with fault_server(workdir, extra_args=["--events", str(events), "--seed", str(seed)]) as port:
            pcap, dump, capture_start = target / "capture.pcap", None, None
            files = []
            try:
                if capture is not None and not capture.get("after_jobs"):
                    dump = start_tcpdump(pcap, port)
                    capture_start = time.time()
                for name, venv, args, env in spec["runs"]:
                    log = workdir / name.removesuffix(".gz")
                    t0 = time.time()
                    with open(log, "w") as handle:
                        proc = subprocess.Popen([pythons[venv], str(HERE / spec.get("app", "worker_app.py")), "--base",
                                                 f"http://127.0.0.1:{port}", "--truth", str(truth)] + args,
                                                stdout=handle, stderr=subprocess.STDOUT,
                                                env={**os.environ, **env, "PYTHONUNBUFFERED": "1"})
                        deadline = time.monotonic() + CLIENT_LIMIT
                        while proc.poll() is None and time.monotonic() < deadline:
                            if dump is None and capture is not None and truth.exists() and \
                                    len(truth.read_text().splitlines()) >= capture["after_jobs"]:
                                time.sleep(capture.get("delay", 0))
                                dump = start_tcpdump(pcap, port, settle=0.5)
                                capture_start = time.time()
                            time.sleep(0.05)
                        if proc.poll() is None:
                            proc.kill()
                            print(f"{incident}/{name}: worker killed after {CLIENT_LIMIT} s", file=sys.stderr)
                        proc.wait()
                    files.append((name, t0, time.time()))
                    text = scrub(log.read_text())
                    if spec.get("envelope"):
                        text = envelope_wrap(spec["envelope"], text)
                    data = text.encode()
                    (target / name).write_bytes(gzip.compress(data, mtime=0))
                    print(f"{incident}/{name}: {len(data)} bytes of log, exit {proc.returncode}")
                time.sleep(1.0)
            finally:
                if dump:
                    dump.terminate()
                    dump.wait(timeout=10)
            if dump:
                pcap.chmod(0o644)
                files.append((pcap.name, capture_start, time.time()))
                print(f"{incident}: capture {pcap.stat().st_size} bytes")
        time.sleep(0.2)
        server_events = [json.loads(line) for line in events.read_text().splitlines()]
        jobs = {j["job"]: j for j in map(json.loads, truth.read_text().splitlines())}
    entries = expected_verdicts(server_events, jobs, files)
    # A `dropscope.` schema marks it as dropscope's own file: `dropscope analyze` on the folder skips it.
    (target / "expected-verdicts.json").write_text(
        json.dumps({"$schema": "dropscope.expected-verdicts.v1", "attempts": entries}, indent=1) + "\n")
    print(f"{incident}: {len(entries)} attempts, " + ", ".join(
        f"{k} {v}" for k, v in sorted(collections.Counter(e["classification"] for e in entries).items())))


def start_tcpdump(pcap, port, settle=1.0):
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-s", "0", "-U", "-w", str(pcap), f"tcp port {port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(settle)
    return dump


def main():
    wanted = sys.argv[1:]
    for incident, scenarios in HAR_EXPORTS.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            har_export(incident, scenarios)
    for incident, traces in CURL_TRACES.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            curl_traces(incident, traces)
    for incident, tls in H2_CAPTURES.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            h2_captures(incident, tls)
    for incident, runs in CURL_H2_PARALLEL.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            curl_h2_parallel(incident, runs)
    if "tls-suites" in wanted:
        tls_suite_fixtures()
        return
    for incident, (venv, args) in CAPTURES.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            capture(incident, venv, args, {venv: venv_python(venv)})
    for incident, spec in RECORDED.items():
        if not wanted or any(incident.startswith(w) for w in wanted):
            record(incident, spec, {venv: venv_python(venv) for _, venv, _, _ in spec["runs"]})
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
