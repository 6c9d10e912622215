"""A long-lived psql session for experiments that must run several statements in one backend
(a connection's first and second query, a backend's memory after touching shards) or poll
cheaply while a load runs. Statements are sent on psql's standard input; an `\\echo` marker
ends each answer. Bounded: every read gives up after `timeout_s`.
"""

import os
import select
import subprocess
import time


class Session:
    MARK = "__lab_end__"

    def __init__(self, conninfo, timeout_s=600):
        cmd = ["stdbuf", "-oL", "psql", "-X", "-At", "-q", "-F", "\t", "-v", "ON_ERROR_STOP=0", "-d", conninfo]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        self.timeout_s = timeout_s
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.pending = b""  # bytes read from psql past the last complete line

    def _line(self, deadline, sql):
        """The next output line, read straight from the pipe (select() cannot see a reader's buffer)."""
        fd = self.p.stdout.fileno()
        while b"\n" not in self.pending:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise RuntimeError(f"psql session: no answer within {self.timeout_s} s to: {sql[:120]}")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError(f"psql session ended while running: {sql[:120]}")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def rows(self, sql):
        """Runs `sql` and returns its rows (tab-separated fields); raises on an ERROR line."""
        self.p.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo " + self.MARK + "\n")
        self.p.stdin.flush()
        out, deadline = [], time.monotonic() + self.timeout_s
        while True:
            line = self._line(deadline, sql)
            if line == self.MARK:
                break
            out.append(line)
        errors = [l for l in out if l.startswith("ERROR:") or l.startswith("psql:")]
        if errors:
            raise RuntimeError(f"{sql[:120]}: {errors[0]}")
        return [l.split("\t") for l in out if l != ""]

    def value(self, sql):
        r = self.rows(sql)
        return r[0][0] if r and r[0] else None

    def timed(self, sql):
        t0 = time.monotonic()
        self.rows(sql)
        return time.monotonic() - t0

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()
