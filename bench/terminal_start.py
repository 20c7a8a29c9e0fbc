#!/usr/bin/env python3
"""Guard terminal start-up and memory, for `make bench` (called by kiosk-bench).

Starts `kiosk` on a pseudo-terminal (80x24, TERM=xterm-256color) against the seeded
database, times it until the log says the first complete screen is up ("ready"), sends
scans through the terminal like a keyboard-wedge scanner, reads the peak resident memory
(VmHWM), then stops it with SIGTERM. The baseline is the sqlite3 shell answering the same
first-screen question (today's count and who is inside) on the same file.

Also reads the proportional memory (Pss, /proc/PID/smaps_rollup) at the end: shared library
pages counted by the share of the processes that map them.

Prints one JSON object: {"ready_s": [...], "hwm_kb": [...], "anon_kb": [...], "pss_kb": [...],
"sqlite_s": [...], "sqlite_kb": [...]}.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

def main():
    kiosk, config, log_path, sqlite3, database, runs, codes_path = sys.argv[1:8]
    runs = int(runs)
    codes = [l.rstrip("\n") for l in open(codes_path, encoding="utf-8") if l.strip()]
    out = {"ready_s": [], "hwm_kb": [], "anon_kb": [], "pss_kb": [], "sqlite_s": [], "sqlite_kb": []}
    for _ in range(runs):
        ready, hwm, anon, pss = one_start(kiosk, config, log_path, codes)
        out["ready_s"].append(ready)
        out["hwm_kb"].append(hwm)
        out["anon_kb"].append(anon)
        out["pss_kb"].append(pss)
        s, kb = sqlite_baseline(sqlite3, database)
        out["sqlite_s"].append(s)
        out["sqlite_kb"].append(kb)
    print(json.dumps(out))

def drain(fd, seconds):
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return
        try:
            os.read(fd, 65536)
        except OSError:
            return

def log_has(path, offset, needle):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return needle in f.read()
    except FileNotFoundError:
        return False

def one_start(kiosk, config, log_path, codes):
    offset = os.path.getsize(log_path) if os.path.exists(log_path) else 0
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execve(kiosk, [kiosk, "--config", config], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    ready = None
    deadline = t0 + 120
    while time.monotonic() < deadline:
        drain(fd, 0.002)
        if log_has(log_path, offset, b" ready "):
            ready = time.monotonic() - t0
            break
    if ready is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise SystemExit("the guard terminal did not become ready within 120 s")
    # A working day in miniature: scans typed by the "scanner", each with Enter.
    for code in codes:
        os.write(fd, code.encode() + b"\r")
        drain(fd, 0.01)
    drain(fd, 1.0)
    hwm = anon = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
            if line.startswith("RssAnon:"):
                anon = int(line.split()[1])
    pss = 0
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    os.kill(pid, signal.SIGTERM)
    drain(fd, 0.5)
    os.waitpid(pid, 0)
    os.close(fd)
    return ready, hwm, anon, pss

def sqlite_baseline(sqlite3, database):
    sql = ("SELECT count(*) FROM visit WHERE status = 'inside';"
           "SELECT code, name, status FROM visit ORDER BY checked_in_at DESC LIMIT 20;")
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(sqlite3, [sqlite3, "-readonly", database, sql])
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        raise SystemExit(f"sqlite3 failed with status {status}")
    return time.monotonic() - t0, usage.ru_maxrss

main()
