#!/usr/bin/env python3
"""A real webhook receiver for the kiosk's notification tests (standard library only).

Usage:
  http_receiver.py --dir DIR [--port 0] [--status 200] [--fail-first N]
                   [--tls-cert CERT --tls-key KEY] [--exit-with-parent]

Binds 127.0.0.1 (port 0: a free one; SO_REUSEADDR so a restart can take the same port back) and
prints exactly one line `PORT <n>` once listening. HTTP/1.1 with keep-alive; https when given a
certificate (the handshake runs in the connection's own thread, so a stuck client blocks nobody).

Every POST (and PUT/PATCH) is read in full (Content-Length or Transfer-Encoding: chunked) and
recorded as DIR/<n>.json = {"n", "method", "path", "headers" (lower-case names), "body" (text),
"status" (what we answered)}, written to a hidden temporary name and renamed. Numbering continues
after the highest number already in DIR. The answer is --status, except that the first N requests
of this process get 500 with --fail-first N (then --status, 200 by default); the body is a small JSON object.
GET /health -> 200 {"ok": true}. SIGTERM/SIGINT: stop listening, exit 0.
"""

import argparse
import http.server
import json
import os
import re
import signal
import socket
import ssl
import sys
import threading

MAX_BODY = 16 * 1024 * 1024


class BadRequest(Exception):
    pass


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        highest = 0
        for name in os.listdir(directory):
            m = re.fullmatch(r"(\d+)\.json", name)
            if m:
                highest = max(highest, int(m.group(1)))
        self.next_number = highest + 1
        self.requests_seen = 0  # in this process, for --fail-first

    def take(self):
        """(record number, 1-based request count in this process)."""
        with self.lock:
            n = self.next_number
            self.next_number += 1
            self.requests_seen += 1
            return n, self.requests_seen

    def save(self, n, record):
        final = os.path.join(self.directory, "%d.json" % n)
        tmp = os.path.join(self.directory, ".tmp-%d.json" % n)
        with open(tmp, "wb") as f:
            f.write(json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
        os.replace(tmp, final)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kiosk-test-receiver/1"
    timeout = 120

    def setup(self):
        super().setup()
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()

    def log_message(self, fmt, *args):
        sys.stderr.write("http_receiver: %s %s\n" % (self.address_string(), fmt % args))
        sys.stderr.flush()

    def send_json(self, status, obj):
        body = json.dumps(obj).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_exactly(self, n):
        data = self.rfile.read(n)
        if data is None or len(data) != n:
            raise BadRequest("body shorter than announced")
        return data

    def read_line(self):
        line = self.rfile.readline(65537)
        if not line.endswith(b"\n"):
            raise BadRequest("bad chunked framing")
        return line

    def read_body(self):
        encoding = (self.headers.get("Transfer-Encoding") or "").lower()
        if encoding:
            codings = [c.strip() for c in encoding.split(",") if c.strip()]
            if not codings or codings[-1] != "chunked" or len(codings) > 1:
                raise BadRequest("unsupported Transfer-Encoding %r" % encoding)
            body = bytearray()
            while True:
                size_text = self.read_line().split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise BadRequest("bad chunk size %r" % size_text)
                if size == 0:
                    while self.read_line() not in (b"\r\n", b"\n"):
                        pass  # trailers
                    return bytes(body)
                if len(body) + size > MAX_BODY:
                    raise BadRequest("body too large")
                body += self.read_exactly(size)
                if self.read_line() not in (b"\r\n", b"\n"):
                    raise BadRequest("chunk not followed by CRLF")
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            raise BadRequest("bad Content-Length %r" % length)
        length = int(length)
        if length > MAX_BODY:
            raise BadRequest("body too large")
        return self.read_exactly(length)

    def record(self):
        try:
            body = self.read_body()
        except BadRequest as e:
            self.close_connection = True
            return self.send_json(400, {"ok": False, "error": str(e)})
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = headers[key] + ", " + value if key in headers else value
        n, seen = self.server.store.take()
        config = self.server.config
        status = 500 if seen <= config.fail_first else config.status
        record = {
            "n": n,
            "method": self.command,
            "path": self.path,
            "headers": headers,
            "body": body.decode("utf-8", "replace"),
            "status": status,
        }
        self.server.store.save(n, record)
        self.send_json(status, {"ok": status < 400, "n": n} if status < 400 else
                       {"ok": False, "n": n, "error": "failing on purpose (test receiver)"})

    do_POST = record
    do_PUT = record
    do_PATCH = record

    def do_GET(self):
        if self.path.split("?", 1)[0] == "/health":
            return self.send_json(200, {"ok": True})
        self.send_json(404, {"ok": False, "error": "not found"})

    do_HEAD = do_GET


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        print("http_receiver: error with %s: %s" % (client_address, sys.exc_info()[1]), file=sys.stderr, flush=True)


class Config:
    def __init__(self, status, fail_first):
        self.status = status
        self.fail_first = fail_first


def serve(server, name, exit_with_parent):
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # A parent that spawned us from a thread with signals blocked (a libdispatch worker, as in a
    # Swift test) passes that mask on; unblock, or SIGTERM would never arrive.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parent = os.getppid()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    print("PORT %d" % server.server_address[1], flush=True)
    while not stop.wait(0.05):
        if exit_with_parent and os.getppid() != parent:
            print("%s: parent %d went away, exiting" % (name, parent), file=sys.stderr, flush=True)
            break
    server.shutdown()
    server.server_close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description="webhook receiver for tests")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--exit-with-parent", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("http_receiver: --tls-cert and --tls-key go together")
    try:
        server = Server(("127.0.0.1", args.port), Handler)
    except OSError as e:
        print("http_receiver: cannot bind 127.0.0.1:%d: %s" % (args.port, e), file=sys.stderr, flush=True)
        return 98 if e.errno == 98 else 1
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    server.config = Config(args.status, args.fail_first)
    server.store = Store(args.dir)
    serve(server, "http_receiver", args.exit_with_parent)


if __name__ == "__main__":
    sys.exit(main())
