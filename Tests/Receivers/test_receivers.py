#!/usr/bin/env python3
"""Self-test of smtp_receiver.py and http_receiver.py with real clients (smtplib, urllib,
http.client). Run: python3 Tests/Receivers/test_receivers.py [-v]"""

import base64
import email.header
import email.message
import email.utils
import http.client
import json
import os
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


class Receiver:
    """Starts one receiver script in its own temporary folder and stops it again."""

    def __init__(self, script, *args, tls=False):
        self.script = script
        self.folder = tempfile.mkdtemp(prefix="kiosk-rcv-test-", dir="/tmp")
        self.dir = os.path.join(self.folder, "data")
        os.mkdir(self.dir)
        self.cert = self.key = None
        if tls:
            self.cert = os.path.join(self.folder, "cert.pem")
            self.key = os.path.join(self.folder, "key.pem")
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                 "-keyout", self.key, "-out", self.cert],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            args = args + ("--tls-cert", self.cert, "--tls-key", self.key)
        self.args = list(args)
        self.port = 0
        self.proc = None
        self.start()

    def start(self):
        self.stderr = open(os.path.join(self.folder, "stderr.log"), "ab")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, self.script), "--dir", self.dir, "--port", str(self.port)] + self.args,
            stdout=subprocess.PIPE, stderr=self.stderr, stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        assert line.startswith("PORT "), "no PORT line: %r, stderr: %s" % (line, self.stderr_text())
        self.port = int(line.split()[1])

    def stderr_text(self):
        with open(os.path.join(self.folder, "stderr.log"), "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            rc = self.proc.wait(10)
            assert rc == 0, "exit status %s after SIGTERM" % rc
        if self.proc:
            self.proc.stdout.close()
        self.stderr.close()

    def close(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def files(self, ext):
        names = [n for n in os.listdir(self.dir) if n.endswith("." + ext) and n.split(".")[0].isdigit()]
        return sorted(names, key=lambda n: int(n.split(".")[0]))

    def meta(self, n):
        with open(os.path.join(self.dir, "%d.json" % n), encoding="utf-8") as f:
            return json.load(f)

    def eml(self, n):
        with open(os.path.join(self.dir, "%d.eml" % n), "rb") as f:
            return f.read()

    def commands(self):
        try:
            with open(os.path.join(self.dir, "commands.log"), encoding="utf-8") as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []


def message(subject="Visitor arrived", body="Hello host.\n.leading dot line\n..two dots\n", to="host@example.org"):
    m = email.message.EmailMessage()
    m["From"] = "kiosk@example.org"
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = email.utils.formatdate()
    m.set_content(body)
    return m


def port_closed(port):
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port))
        return False
    except OSError:
        return True
    finally:
        s.close()


class SMTPTests(unittest.TestCase):
    def receiver(self, *args, tls=False):
        r = Receiver("smtp_receiver.py", *args, tls=tls)
        self.addCleanup(r.close)
        return r

    def test_plain_delivery_dot_unstuffing_and_log(self):
        r = self.receiver()
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            code, ehlo = s.ehlo()
            self.assertEqual(code, 250)
            self.assertIn(b"8BITMIME", ehlo)
            self.assertIn(b"SMTPUTF8", ehlo)
            self.assertNotIn(b"STARTTLS", ehlo)
            self.assertNotIn(b"AUTH", ehlo)
            self.assertEqual(s.noop()[0], 250)
            refused = s.send_message(message(), to_addrs=["host@example.org", "second@example.org"])
            self.assertEqual(refused, {})
            s.rset()
        self.assertEqual(r.files("eml"), ["1.eml"])
        meta = r.meta(1)
        self.assertEqual(meta["mail_from"], "kiosk@example.org")
        self.assertEqual(meta["rcpt_to"], ["host@example.org", "second@example.org"])
        self.assertIs(meta["tls"], False)
        self.assertIsNone(meta["auth_user"])
        raw = r.eml(1)
        self.assertIn(b"\r\n.leading dot line\r\n..two dots\r\n", raw)  # unstuffed once
        self.assertTrue(raw.endswith(b"\r\n"))
        self.assertNotIn(b"\r\n.\r\n", raw)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))  # CRLF kept throughout
        cmds = r.commands()
        verbs = [c.split()[0].upper() for c in cmds]
        self.assertEqual(verbs, ["EHLO", "NOOP", "MAIL", "RCPT", "RCPT", "DATA", "RSET", "QUIT"])
        self.assertTrue(cmds[2].upper().startswith("MAIL FROM:<KIOSK@EXAMPLE.ORG>"), cmds[2])
        self.assertEqual(cmds[3].upper(), "RCPT TO:<HOST@EXAMPLE.ORG>")

    def test_helo_and_sequence_errors(self):
        r = self.receiver()
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            self.assertEqual(s.docmd("MAIL FROM:<a@b>")[0], 503)  # no HELO yet
            self.assertEqual(s.helo("client")[0], 250)
            self.assertEqual(s.docmd("RCPT TO:<x@y>")[0], 503)
            self.assertEqual(s.docmd("DATA")[0], 503)
            self.assertEqual(s.docmd("MAIL FROM:a@b")[0], 501)
            self.assertEqual(s.docmd("FROB")[0], 500)
            self.assertEqual(s.docmd("MAIL FROM:<>")[0], 250)  # null sender
            self.assertEqual(s.docmd("DATA")[0], 554)  # no recipients
            self.assertEqual(s.docmd("RCPT TO:<x@y>")[0], 250)
            self.assertEqual(s.docmd("MAIL FROM:<a@b>")[0], 503)  # nested
            self.assertEqual(s.docmd("MAIL FROM:<a@b> SIZE=10")[0], 503)
            s.rset()
            self.assertEqual(s.docmd("AUTH PLAIN AGE=")[0], 502)
            self.assertEqual(s.docmd("STARTTLS")[0], 502)
            self.assertEqual(s.docmd("X" * 5000)[0], 500)
        self.assertEqual(r.files("eml"), [])

    def test_smtputf8_and_utf8_subject(self):
        r = self.receiver()
        subject = "Besuch für Frau Müller — 10:00 ✓ " + "Grüße " * 12
        m = message(subject=str(email.header.Header(subject, "utf-8")))
        # email.header encodes the words (=?utf-8?b?...?=, folded over several lines)
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            s.send_message(m)
            # non-ASCII address: only with SMTPUTF8
            s.command_encoding = "utf-8"
            self.assertEqual(s.docmd("MAIL FROM:<kiosk@exämple.org>")[0], 553)
            s.rset()
            s.sendmail("kiosk@exämple.org", ["hôte@example.org"], b"Subject: x\r\n\r\nhi\r\n",
                       mail_options=["SMTPUTF8", "BODY=8BITMIME"])
        raw = r.eml(1)
        self.assertIn(b"=?utf-8?", raw.lower())
        parsed = email.message_from_bytes(raw)
        decoded = str(email.header.make_header(email.header.decode_header(parsed["Subject"])))
        self.assertEqual(decoded, subject)
        self.assertEqual(r.meta(2)["mail_from"], "kiosk@exämple.org")
        self.assertEqual(r.meta(2)["rcpt_to"], ["hôte@example.org"])

    def test_size_limit(self):
        r = self.receiver()
        with smtplib.SMTP("127.0.0.1", r.port, timeout=30) as s:
            with self.assertRaises(smtplib.SMTPSenderRefused) as e:  # SIZE= announced by smtplib
                s.sendmail("a@b", ["c@d"], b"x" * (1024 * 1024 + 10))
            self.assertEqual(e.exception.smtp_code, 552)
            s.ehlo()
            s.esmtp_features.pop("size", None)  # now without SIZE=: refused after DATA
            with self.assertRaises(smtplib.SMTPDataError) as e:
                s.sendmail("a@b", ["c@d"], (b"y" * 1000 + b"\r\n") * 1100)
            self.assertEqual(e.exception.smtp_code, 552)
            s.sendmail("a@b", ["c@d"], b"small\r\n")  # the session survives
        self.assertEqual(r.files("eml"), ["1.eml"])
        self.assertEqual(r.eml(1), b"small\r\n")

    def test_starttls(self):
        r = self.receiver("--require-tls", tls=True)
        ctx = ssl.create_default_context(cafile=r.cert)
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            code, ehlo = s.ehlo()
            self.assertIn(b"STARTTLS", ehlo)
            code, text = s.docmd("MAIL FROM:<a@b>")
            self.assertEqual((code, text), (530, b"Must issue a STARTTLS command first"))
            s.starttls(context=ctx)
            self.assertEqual(s.docmd("MAIL FROM:<a@b>")[0], 503)  # RFC 3207: EHLO again first
            code, ehlo = s.ehlo()
            self.assertNotIn(b"STARTTLS", ehlo)
            s.send_message(message())
        self.assertIs(r.meta(1)["tls"], True)
        # a client that does not trust the certificate fails the handshake
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            with self.assertRaises(ssl.SSLCertVerificationError):
                s.starttls(context=ssl.create_default_context())
        # by name: the SAN covers localhost too
        with smtplib.SMTP("localhost", r.port, timeout=10) as s:
            s.starttls(context=ctx)
            s.send_message(message())
        self.assertEqual(r.files("eml"), ["1.eml", "2.eml"])

    def test_auth(self):
        r = self.receiver("--auth", "kiosk:s3cret-password", tls=True)
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            code, ehlo = s.ehlo()
            self.assertIn(b"AUTH PLAIN LOGIN", ehlo)
            self.assertEqual(s.docmd("MAIL FROM:<a@b>"), (530, b"Authentication required"))
            with self.assertRaises(smtplib.SMTPAuthenticationError) as e:
                s.login("kiosk", "wrong")
            self.assertEqual(e.exception.smtp_code, 535)
            s.login("kiosk", "s3cret-password")  # smtplib tries CRAM-MD5 (not offered), PLAIN
            s.send_message(message())
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            s.ehlo()
            s.user, s.password = "kiosk", "s3cret-password"
            code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=False)
            self.assertEqual(code, 235)
            s.send_message(message())
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            s.ehlo()
            s.user, s.password = "kiosk", "s3cret-password"
            self.assertEqual(s.auth("LOGIN", s.auth_login)[0], 235)  # with initial response
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            s.starttls(context=ssl.create_default_context(cafile=r.cert))
            s.login("kiosk", "s3cret-password")
            s.send_message(message())
        self.assertEqual([r.meta(n)["auth_user"] for n in (1, 2, 3)], ["kiosk"] * 3)
        self.assertEqual([r.meta(n)["tls"] for n in (1, 2, 3)], [False, False, True])
        log = "\n".join(r.commands())
        secrets = [b"s3cret", b"wrong", base64.b64encode(b"kiosk").decode(),
                   base64.b64encode("s3cret-password".encode()).decode(),
                   base64.b64encode(b"\0kiosk\0wrong").decode()]
        for secret in secrets:
            self.assertNotIn(secret if isinstance(secret, str) else secret.decode(), log)
        self.assertIn("AUTH PLAIN ***", log)
        self.assertIn("AUTH LOGIN", log)
        self.assertIn("***", log)

    def test_auth_with_require_tls_hides_auth_before_starttls(self):
        r = self.receiver("--auth", "u:p", "--require-tls", tls=True)
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            code, ehlo = s.ehlo()
            self.assertNotIn(b"AUTH", ehlo)
            self.assertEqual(s.docmd("AUTH PLAIN " + base64.b64encode(b"\0u\0p").decode())[0], 530)
            s.starttls(context=ssl.create_default_context(cafile=r.cert))
            code, ehlo = s.ehlo()
            self.assertIn(b"AUTH PLAIN LOGIN", ehlo)
            self.assertEqual(s.docmd("MAIL FROM:<a@b>"), (530, b"Authentication required"))
            s.login("u", "p")
            s.send_message(message())
        self.assertEqual((r.meta(1)["tls"], r.meta(1)["auth_user"]), (True, "u"))

    def test_refuse(self):
        r = self.receiver("--mode", "refuse")
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            with self.assertRaises(smtplib.SMTPRecipientsRefused) as e:
                s.send_message(message())
            self.assertEqual(e.exception.recipients["host@example.org"], (554, b"5.7.1 relay refused for testing"))
        self.assertEqual(r.files("eml"), [])

    def test_tempfail(self):
        r = self.receiver("--mode", "tempfail")
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            with self.assertRaises(smtplib.SMTPRecipientsRefused) as e:
                s.send_message(message())
            self.assertEqual(e.exception.recipients["host@example.org"], (451, b"4.3.0 try again later"))
        self.assertEqual(r.files("eml"), [])

    def test_refuse_then_accept(self):
        r = self.receiver("--mode", "refuse-then-accept:2")
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            for _ in range(2):
                with self.assertRaises(smtplib.SMTPDataError) as e:
                    s.send_message(message())
                self.assertEqual(e.exception.smtp_code, 451)
            s.send_message(message(subject="third"))
            s.send_message(message(subject="fourth"))
        self.assertEqual(r.files("eml"), ["1.eml", "2.eml"])
        self.assertIn(b"Subject: third", r.eml(1))

    def test_sigterm_restart_same_port_numbering_continues(self):
        r = self.receiver()
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            s.send_message(message(subject="before"))
        # a connection left open: must not keep the process (or the port) alive
        idle = socket.create_connection(("127.0.0.1", r.port), timeout=5)
        idle.recv(100)
        port = r.port
        r.stop()
        self.assertTrue(port_closed(port))
        idle.close()
        r.start()
        self.assertEqual(r.port, port)
        with smtplib.SMTP("127.0.0.1", r.port, timeout=10) as s:
            s.send_message(message(subject="after"))
        self.assertEqual(r.files("eml"), ["1.eml", "2.eml"])
        self.assertIn(b"Subject: after", r.eml(2))

    def test_raw_dialogue(self):
        r = self.receiver(tls=True)
        s = socket.create_connection(("127.0.0.1", r.port), timeout=10)
        f = s.makefile("rb")
        self.assertTrue(f.readline().startswith(b"220 "))
        s.sendall(b"EHLO raw\r\n")
        lines = []
        while True:
            line = f.readline()
            lines.append(line)
            if line[3:4] == b" ":
                break
        self.assertIn(b"250 STARTTLS\r\n", lines)
        s.sendall(b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
        self.assertTrue(f.readline().startswith(b"250"))
        self.assertTrue(f.readline().startswith(b"250"))
        self.assertTrue(f.readline().startswith(b"354"))
        s.sendall(b"Subject: raw\r\n\r\nline\r\n.\r\n")
        self.assertTrue(f.readline().startswith(b"250"))
        s.sendall(b"QUIT\r\n")
        self.assertTrue(f.readline().startswith(b"221"))
        s.close()
        self.assertEqual(r.eml(1), b"Subject: raw\r\n\r\nline\r\n")


class HTTPTests(unittest.TestCase):
    def receiver(self, *args, tls=False):
        r = Receiver("http_receiver.py", *args, tls=tls)
        self.addCleanup(r.close)
        return r

    def post(self, url, obj, context=None, headers=None):
        data = json.dumps(obj).encode()
        req = urllib.request.Request(url, data=data, method="POST",
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
        try:
            with urllib.request.urlopen(req, timeout=10, context=context) as resp:
                return resp.status, json.load(resp)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def test_http_post_and_health(self):
        r = self.receiver()
        status, body = self.post("http://127.0.0.1:%d/hooks/visitor?x=1" % r.port,
                                 {"event": "checkin", "name": "Zoë"}, headers={"X-Kiosk-Signature": "abc"})
        self.assertEqual((status, body), (200, {"ok": True, "n": 1}))
        rec = r.meta(1)
        self.assertEqual(rec["path"], "/hooks/visitor?x=1")
        self.assertEqual(rec["method"], "POST")
        self.assertEqual(rec["headers"]["content-type"], "application/json")
        self.assertEqual(rec["headers"]["x-kiosk-signature"], "abc")
        self.assertEqual(json.loads(rec["body"]), {"event": "checkin", "name": "Zoë"})
        self.assertEqual(rec["status"], 200)
        with urllib.request.urlopen("http://127.0.0.1:%d/health" % r.port, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
        self.assertEqual(r.files("json"), ["1.json"])

    def test_chunked_and_keepalive(self):
        r = self.receiver()
        c = http.client.HTTPConnection("127.0.0.1", r.port, timeout=10)
        c.request("POST", "/chunked", body=iter([b'{"a":', b' "b', b'c"}']),
                  headers={"Content-Type": "application/json"}, encode_chunked=True)
        resp = c.getresponse()
        self.assertEqual(resp.status, 200)
        resp.read()
        c.request("POST", "/second", body=b"plain", headers={"Content-Type": "text/plain"})  # same connection
        resp = c.getresponse()
        self.assertEqual(resp.status, 200)
        resp.read()
        c.close()
        self.assertEqual(r.meta(1)["body"], '{"a": "bc"}')
        self.assertEqual(r.meta(1)["headers"]["transfer-encoding"], "chunked")
        self.assertEqual(r.meta(2)["body"], "plain")

    def test_https(self):
        r = self.receiver(tls=True)
        ctx = ssl.create_default_context(cafile=r.cert)
        status, _ = self.post("https://127.0.0.1:%d/secure" % r.port, {"k": 1}, context=ctx)
        self.assertEqual(status, 200)
        status, _ = self.post("https://localhost:%d/secure" % r.port, {"k": 2}, context=ctx)
        self.assertEqual(status, 200)
        with self.assertRaises(urllib.error.URLError):
            self.post("https://127.0.0.1:%d/secure" % r.port, {"k": 3}, context=ssl.create_default_context())
        # a client that connects and never handshakes blocks nobody
        stuck = socket.create_connection(("127.0.0.1", r.port), timeout=5)
        status, _ = self.post("https://127.0.0.1:%d/secure" % r.port, {"k": 4}, context=ctx)
        self.assertEqual(status, 200)
        stuck.close()
        self.assertEqual([json.loads(r.meta(n)["body"])["k"] for n in (1, 2, 3)], [1, 2, 4])

    def test_fail_first_and_status(self):
        r = self.receiver("--fail-first", "2")
        url = "http://127.0.0.1:%d/h" % r.port
        self.assertEqual([self.post(url, {"i": i})[0] for i in range(4)], [500, 500, 200, 200])
        self.assertEqual([r.meta(n)["status"] for n in (1, 2, 3, 4)], [500, 500, 200, 200])
        r2 = self.receiver("--status", "503")
        self.assertEqual(self.post("http://127.0.0.1:%d/h" % r2.port, {})[0], 503)

    def test_restart_same_port(self):
        r = self.receiver()
        url = "http://127.0.0.1:%d/h" % r.port
        self.assertEqual(self.post(url, {"i": 1})[0], 200)
        port = r.port
        r.stop()
        self.assertTrue(port_closed(port))
        r.start()
        self.assertEqual(r.port, port)
        self.assertEqual(self.post(url, {"i": 2})[0], 200)
        self.assertEqual(r.files("json"), ["1.json", "2.json"])


if __name__ == "__main__":
    unittest.main()
