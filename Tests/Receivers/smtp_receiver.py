#!/usr/bin/env python3
"""A real SMTP receiver for the kiosk's notification tests (standard library only).

Usage:
  smtp_receiver.py --dir DIR [--port 0] [--mode accept|refuse|tempfail|refuse-then-accept:N]
                   [--tls-cert CERT --tls-key KEY] [--require-tls] [--auth USER:PASS]
                   [--exit-with-parent]

Binds 127.0.0.1 (port 0: a free one, SO_REUSEADDR so a restart can take the same port back while
the old one is in TIME_WAIT) and prints exactly one line `PORT <n>` once listening.

Speaks RFC 5321 (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP), RFC 3207 STARTTLS,
RFC 4954 AUTH PLAIN/LOGIN, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8, RFC 1870 SIZE (1 MiB).

Every accepted message becomes DIR/<n>.json ({"mail_from", "rcpt_to", "tls", "auth_user", ...})
and then DIR/<n>.eml (the DATA bytes after dot-unstuffing, CRLF kept), each written to a hidden
temporary name and renamed, so a reader that sees <n>.eml also finds a complete <n>.json.
Numbering continues after the highest number already in DIR (a restarted receiver appends).
Every command line received is appended to DIR/commands.log (AUTH secrets as ***).

Modes: refuse   -> RCPT TO answered `554 5.7.1 relay refused for testing`
       tempfail -> RCPT TO answered `451 4.3.0 try again later`
       refuse-then-accept:N -> the first N messages of this process get 451 after DATA.
SIGTERM/SIGINT: stop listening, exit 0.
"""

import argparse
import base64
import binascii
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import sys
import threading

MAX_MESSAGE = 1024 * 1024
MAX_COMMAND_LINE = 4096
MAX_RECIPIENTS = 100
DATA_CHUNK = 65536
HOSTNAME = "kiosk-test-receiver.localhost"


class Store:
    """Numbered messages and the command log, shared by all connections."""

    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        highest = 0
        for name in os.listdir(directory):
            m = re.fullmatch(r"(\d+)\.(eml|json)", name)
            if m:
                highest = max(highest, int(m.group(1)))
        self.next_number = highest + 1
        self.log_path = os.path.join(directory, "commands.log")

    def log(self, line):
        with self.lock:
            with open(self.log_path, "ab") as f:
                f.write(line.encode("utf-8", "replace") + b"\n")

    def _atomic_write(self, name, data):
        final = os.path.join(self.directory, name)
        tmp = os.path.join(self.directory, ".tmp-%s-%d" % (name, threading.get_ident()))
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, final)

    def save(self, meta, raw):
        with self.lock:
            n = self.next_number
            self.next_number += 1
        meta = dict(meta, n=n)
        self._atomic_write("%d.json" % n, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        self._atomic_write("%d.eml" % n, bytes(raw))  # last: its presence means both are complete
        return n


class Config:
    def __init__(self, args):
        self.mode = args.mode
        self.refuse_first = 0
        if args.mode.startswith("refuse-then-accept:"):
            self.refuse_first = int(args.mode.split(":", 1)[1])
            self.mode = "refuse-then-accept"
        elif args.mode not in ("accept", "refuse", "tempfail"):
            raise SystemExit("smtp_receiver: unknown --mode %r" % args.mode)
        self.tls_context = None
        if args.tls_cert or args.tls_key:
            if not (args.tls_cert and args.tls_key):
                raise SystemExit("smtp_receiver: --tls-cert and --tls-key go together")
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(args.tls_cert, args.tls_key)
            self.tls_context = ctx
        self.require_tls = args.require_tls
        if self.require_tls and self.tls_context is None:
            raise SystemExit("smtp_receiver: --require-tls needs --tls-cert/--tls-key")
        self.auth = None
        if args.auth is not None:
            if ":" not in args.auth:
                raise SystemExit("smtp_receiver: --auth wants USER:PASS")
            self.auth = tuple(args.auth.split(":", 1))
        self.data_refusals = 0  # messages refused so far in refuse-then-accept mode
        self.lock = threading.Lock()

    def refuse_this_message(self):
        if self.mode != "refuse-then-accept":
            return False
        with self.lock:
            if self.data_refusals < self.refuse_first:
                self.data_refusals += 1
                return True
            return False


class Closed(Exception):
    """The client went away (or must be dropped)."""


def parse_path(rest, keyword):
    """`FROM:<a@b> PARAMS` -> ("a@b", ["PARAMS"...]) or None on a syntax error."""
    m = re.match(r"(?i)%s:\s*<([^<>]*)>(.*)$" % keyword, rest)
    if not m:
        return None
    params = m.group(2).split()
    if m.group(2) and not m.group(2)[0].isspace():
        return None
    return m.group(1), params


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.config = self.server.config
        self.store = self.server.store
        self.sock = self.request
        self.sock.settimeout(300)
        self.rfile = self.sock.makefile("rb")
        self.tls = False
        self.helo = None
        self.esmtp = False
        self.auth_user = None
        self.reset()

    def reset(self):
        self.mail_from = None
        self.mail_params = []
        self.smtputf8 = False
        self.rcpt_to = []

    # -- I/O

    def reply(self, *lines):
        code, texts = lines[0], lines[1:]
        out = []
        for i, text in enumerate(texts):
            sep = " " if i == len(texts) - 1 else "-"
            out.append("%d%s%s\r\n" % (code, sep, text))
        try:
            self.sock.sendall("".join(out).encode("utf-8"))
        except OSError as e:
            raise Closed() from e

    def read_line(self, limit=MAX_COMMAND_LINE):
        try:
            line = self.rfile.readline(limit)
        except (OSError, ValueError) as e:
            raise Closed() from e
        if not line:
            raise Closed()
        if not line.endswith(b"\n") and len(line) >= limit:
            # Drain the rest of the over-long line, then say so.
            while True:
                try:
                    more = self.rfile.readline(limit)
                except (OSError, ValueError) as e:
                    raise Closed() from e
                if not more:
                    raise Closed()
                if more.endswith(b"\n"):
                    break
            return None
        return line.rstrip(b"\r\n").decode("utf-8", "replace")

    # -- the session

    def handle(self):
        try:
            self.reply(220, "%s ESMTP kiosk test receiver ready" % HOSTNAME)
            while True:
                line = self.read_line()
                if line is None:
                    self.store.log("<line too long>")
                    self.reply(500, "5.5.6 Line too long")
                    continue
                verb, _, rest = line.partition(" ")
                verb = verb.upper()
                self.store.log(self.redact(verb, line))
                method = getattr(self, "smtp_" + verb, None)
                if method is None:
                    self.reply(500, "5.5.2 Command not recognized")
                    continue
                if method(rest.strip()) is False:
                    return
        except Closed:
            pass
        except ssl.SSLError as e:
            print("smtp_receiver: TLS error: %s" % e, file=sys.stderr, flush=True)
        finally:
            try:
                self.rfile.close()
            except Exception:
                pass
            try:
                self.sock.close()
            except Exception:
                pass

    @staticmethod
    def redact(verb, line):
        if verb == "AUTH":
            parts = line.split()
            shown = ["AUTH"] + [p.upper() for p in parts[1:2]]
            if len(parts) > 2:
                shown.append("***")
            return " ".join(shown)
        return line

    def extensions(self):
        ext = ["8BITMIME", "SMTPUTF8", "SIZE %d" % MAX_MESSAGE, "ENHANCEDSTATUSCODES"]
        if self.config.tls_context is not None and not self.tls:
            ext.append("STARTTLS")
        if self.config.auth is not None and (self.tls or not self.config.require_tls):
            ext.append("AUTH PLAIN LOGIN")
        return ext

    def smtp_EHLO(self, arg):
        if not arg:
            return self.reply(501, "5.5.4 EHLO needs a domain or address literal")
        self.helo, self.esmtp = arg, True
        self.reset()
        self.reply(250, "%s greets %s" % (HOSTNAME, arg), *self.extensions())

    def smtp_HELO(self, arg):
        if not arg:
            return self.reply(501, "5.5.4 HELO needs a domain")
        self.helo, self.esmtp = arg, False
        self.reset()
        self.reply(250, HOSTNAME)

    def smtp_STARTTLS(self, arg):
        if arg:
            return self.reply(501, "5.5.4 STARTTLS takes no parameters")
        if self.config.tls_context is None:
            return self.reply(502, "5.5.1 STARTTLS not available")
        if self.tls:
            return self.reply(503, "5.5.1 TLS already active")
        self.reply(220, "2.0.0 Ready to start TLS")
        # Anything the client pipelined after STARTTLS is discarded with the old reader (RFC 3207).
        try:
            self.rfile.close()
            self.sock = self.config.tls_context.wrap_socket(self.sock, server_side=True)
        except (ssl.SSLError, OSError) as e:
            print("smtp_receiver: TLS handshake failed: %s" % e, file=sys.stderr, flush=True)
            raise Closed() from e
        self.request = self.sock
        self.rfile = self.sock.makefile("rb")
        self.tls = True
        # RFC 3207 4.2: forget everything learnt from the client before TLS.
        self.helo, self.esmtp, self.auth_user = None, False, None
        self.reset()

    def decode_b64(self, text):
        if text == "=":
            return b""
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None

    def read_auth_response(self, challenge):
        self.reply(334, challenge)
        line = self.read_line()
        self.store.log("***")
        if line is None or line.strip() == "*":
            self.reply(501, "5.7.0 Authentication cancelled")
            return None
        data = self.decode_b64(line.strip())
        if data is None:
            self.reply(501, "5.5.2 Cannot decode base64")
        return data

    def smtp_AUTH(self, arg):
        if self.config.auth is None:
            return self.reply(502, "5.5.1 AUTH not available")
        if self.config.require_tls and not self.tls:
            return self.reply(530, "5.7.0 Must issue a STARTTLS command first")
        if not self.helo or not self.esmtp:
            return self.reply(503, "5.5.1 Send EHLO first")
        if self.auth_user is not None:
            return self.reply(503, "5.5.1 Already authenticated")
        if self.mail_from is not None:
            return self.reply(503, "5.5.1 AUTH not permitted during a mail transaction")
        parts = arg.split()
        if not parts:
            return self.reply(501, "5.5.4 AUTH needs a mechanism")
        mech = parts[0].upper()
        initial = parts[1] if len(parts) > 1 else None
        if mech == "PLAIN":
            if initial is None:
                data = self.read_auth_response("")
                if data is None:
                    return
            else:
                data = self.decode_b64(initial)
                if data is None:
                    return self.reply(501, "5.5.2 Cannot decode base64")
            fields = data.split(b"\0")
            if len(fields) != 3:
                return self.reply(501, "5.5.2 Malformed PLAIN response")
            user, password = fields[1], fields[2]
        elif mech == "LOGIN":
            if initial is None:
                user = self.read_auth_response(base64.b64encode(b"Username:").decode())
            else:
                user = self.decode_b64(initial)
                if user is None:
                    return self.reply(501, "5.5.2 Cannot decode base64")
            if user is None:
                return
            password = self.read_auth_response(base64.b64encode(b"Password:").decode())
            if password is None:
                return
        else:
            return self.reply(504, "5.5.4 Unrecognized authentication type")
        want_user, want_password = self.config.auth
        if user == want_user.encode("utf-8") and password == want_password.encode("utf-8"):
            self.auth_user = want_user
            return self.reply(235, "2.7.0 Authentication successful")
        return self.reply(535, "5.7.8 Authentication credentials invalid")

    def smtp_MAIL(self, rest):
        if not self.helo:
            return self.reply(503, "5.5.1 Send HELO/EHLO first")
        if self.config.require_tls and not self.tls:
            return self.reply(530, "Must issue a STARTTLS command first")
        if self.config.auth is not None and self.auth_user is None:
            return self.reply(530, "Authentication required")
        if self.mail_from is not None:
            return self.reply(503, "5.5.1 Nested MAIL command")
        parsed = parse_path(rest, "FROM")
        if parsed is None:
            return self.reply(501, "5.5.4 Syntax: MAIL FROM:<address>")
        address, params = parsed
        smtputf8 = False
        for p in params:
            key, _, value = p.partition("=")
            key = key.upper()
            if not self.esmtp:
                return self.reply(555, "5.5.4 Parameters need EHLO")
            if key == "SIZE":
                if not value.isdigit():
                    return self.reply(501, "5.5.4 Bad SIZE")
                if int(value) > MAX_MESSAGE:
                    return self.reply(552, "5.3.4 Message size exceeds fixed limit")
            elif key == "BODY":
                if value.upper() not in ("7BIT", "8BITMIME"):
                    return self.reply(501, "5.5.4 Bad BODY")
            elif key == "SMTPUTF8" and not value:
                smtputf8 = True
            else:
                return self.reply(555, "5.5.4 Unsupported parameter %s" % p)
        if not address.isascii() and not smtputf8:
            return self.reply(553, "5.6.7 Non-ASCII address needs SMTPUTF8")
        self.mail_from, self.mail_params, self.smtputf8 = address, params, smtputf8
        self.reply(250, "2.1.0 Sender OK")

    def smtp_RCPT(self, rest):
        if self.mail_from is None:
            return self.reply(503, "5.5.1 Need MAIL before RCPT")
        parsed = parse_path(rest, "TO")
        if parsed is None or not parsed[0]:
            return self.reply(501, "5.5.4 Syntax: RCPT TO:<address>")
        address, params = parsed
        if params:
            return self.reply(555, "5.5.4 Unsupported RCPT parameters")
        if not address.isascii() and not self.smtputf8:
            return self.reply(553, "5.6.7 Non-ASCII address needs SMTPUTF8")
        if len(self.rcpt_to) >= MAX_RECIPIENTS:
            return self.reply(452, "4.5.3 Too many recipients")
        if self.config.mode == "refuse":
            return self.reply(554, "5.7.1 relay refused for testing")
        if self.config.mode == "tempfail":
            return self.reply(451, "4.3.0 try again later")
        self.rcpt_to.append(address)
        self.reply(250, "2.1.5 Recipient OK")

    def smtp_DATA(self, arg):
        if arg:
            return self.reply(501, "5.5.4 DATA takes no parameters")
        if self.mail_from is None:
            return self.reply(503, "5.5.1 Need MAIL command")
        if not self.rcpt_to:
            return self.reply(554, "5.5.1 No valid recipients")
        self.reply(354, "End data with <CR><LF>.<CR><LF>")
        raw = bytearray()
        too_big = False
        at_line_start = True
        while True:
            try:
                chunk = self.rfile.readline(DATA_CHUNK)
            except (OSError, ValueError) as e:
                raise Closed() from e
            if not chunk:
                raise Closed()  # the transaction is abandoned, nothing stored
            if at_line_start:
                if chunk == b".\r\n":
                    break
                if chunk.startswith(b"."):
                    chunk = chunk[1:]
            at_line_start = chunk.endswith(b"\n")
            if not too_big:
                raw += chunk
                if len(raw) > MAX_MESSAGE:
                    too_big, raw = True, bytearray()
        meta = {
            "mail_from": self.mail_from,
            "rcpt_to": list(self.rcpt_to),
            "tls": self.tls,
            "auth_user": self.auth_user,
            "helo": self.helo,
            "esmtp": self.esmtp,
            "mail_params": self.mail_params,
        }
        self.reset()
        if too_big:
            return self.reply(552, "5.3.4 Message exceeds 1 MiB")
        if self.config.refuse_this_message():
            return self.reply(451, "4.3.0 try again later")
        n = self.store.save(meta, raw)
        self.reply(250, "2.0.0 Ok: queued as %d" % n)

    def smtp_RSET(self, arg):
        self.reset()
        self.reply(250, "2.0.0 Ok")

    def smtp_NOOP(self, arg):
        self.reply(250, "2.0.0 Ok")

    def smtp_VRFY(self, arg):
        self.reply(252, "2.5.2 Cannot VRFY user, but will accept message")

    def smtp_HELP(self, arg):
        self.reply(214, "2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT")

    def smtp_QUIT(self, arg):
        self.reply(221, "2.0.0 Bye")
        return False


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        print("smtp_receiver: error with %s: %s" % (client_address, sys.exc_info()[1]), file=sys.stderr, flush=True)


def serve(server, name, exit_with_parent):
    """Serves until SIGTERM/SIGINT (or the parent dies), then closes the port and exits 0."""
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
    os._exit(0)  # handler threads may sit in blocking reads; the process exit closes their sockets


def main():
    ap = argparse.ArgumentParser(description="SMTP receiver for tests")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--mode", default="accept")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--require-tls", action="store_true")
    ap.add_argument("--auth")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="exit when the process that started us dies")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    config = Config(args)
    try:
        server = Server(("127.0.0.1", args.port), Handler)
    except OSError as e:
        print("smtp_receiver: cannot bind 127.0.0.1:%d: %s" % (args.port, e), file=sys.stderr, flush=True)
        return 98 if e.errno == 98 else 1
    server.config = config
    server.store = Store(args.dir)
    serve(server, "smtp_receiver", args.exit_with_parent)


if __name__ == "__main__":
    sys.exit(main())
