"""Makes the journald fixtures beside this file with the real tools (Debian 12, systemd 252):

    python3 make-journald.py                       # writes entries.export (journal export format)
    /lib/systemd/systemd-journal-remote -o x.journal entries.export   # package systemd-journal-remote
    for o in short short-iso short-precise short-iso-precise short-full short-unix json; do
      TZ=UTC journalctl --file x.journal -o $o --no-pager > journalctl-$o.txt
    done

The entries: a stream's HTTP line and one event, an uncaught traceback (one entry per line, as journald keeps a
service's stderr), a message of two lines, and one that is not UTF-8 (journalctl's JSON gives it as an array of bytes).
"""
import struct, sys
lines = [
 (1795341600000000, b'2026-11-22 10:00:00,000 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"'),
 (1795341600100000, b'2026-11-22 10:00:00,100 DEBUG [w] app: event content_block_delta'),
 (1795341600150000, b'Traceback (most recent call last):'),
 (1795341600150100, b'  File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events'),
 (1795341600150200, b'httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)'),
 (1795341601000000, b'a message logged with\nits second line'),
 (1795341601100000, b'caf\xe9 not UTF-8'),
]
out = bytearray()
for i, (t, msg) in enumerate(lines):
    fields = [(b"__CURSOR", b"s=0;i=%d" % i), (b"__REALTIME_TIMESTAMP", b"%d" % t), (b"__MONOTONIC_TIMESTAMP", b"%d" % (t - 1795341000000000)),
              (b"_BOOT_ID", b"0123456789abcdef0123456789abcdef"), (b"PRIORITY", b"6"), (b"_HOSTNAME", b"node-1"),
              (b"SYSLOG_IDENTIFIER", b"python3"), (b"_PID", b"4242"), (b"_SYSTEMD_UNIT", b"chat.service"), (b"MESSAGE", msg)]
    for k, v in fields:
        if b"\n" in v or any(c >= 0x80 for c in v):
            out += k + b"\n" + struct.pack("<Q", len(v)) + v + b"\n"
        else:
            out += k + b"=" + v + b"\n"
    out += b"\n"
open("entries.export", "wb").write(out)
