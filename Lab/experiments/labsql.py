"""Talking to a Citus cluster from the lab's experiments, with nothing but psql.

Every statement goes through `psql -X -At` (no driver to install). The connection string is
given once; it is shown only redacted (a password, in the string or in PGPASSWORD, is never
printed or written to a measurement file). Loopback is the default target.
"""

import json
import os
import re
import subprocess
import time


def redact(conninfo):
    """The connection string with any password replaced by ***."""
    conninfo = re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", conninfo)
    return re.sub(r"(postgres(?:ql)?://[^:/@]+:)([^@]*)@", r"\1***@", conninfo)


class Cluster:
    """A Citus coordinator reached with psql; `conninfo` is a libpq connection string or URL."""

    def __init__(self, conninfo, timeout_s=3600):
        self.conninfo = conninfo
        self.timeout_s = timeout_s

    def _run(self, sql, conninfo=None):
        cmd = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-d", conninfo or self.conninfo, "-c", sql]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout_s)
        if p.returncode != 0:
            raise RuntimeError(f"{redact(conninfo or self.conninfo)}: {sql[:120]}: {p.stderr.strip()}")
        return p.stdout

    def rows(self, sql, conninfo=None):
        out = self._run(sql, conninfo)
        return [line.split("\t") for line in out.splitlines() if line != ""]

    def value(self, sql, conninfo=None):
        r = self.rows(sql, conninfo)
        return r[0][0] if r and r[0] else None

    def execute(self, sql, conninfo=None):
        self._run(sql, conninfo)

    def timed(self, sql, conninfo=None):
        """Runs `sql` and returns its wall time in seconds (psql start-up included, ~20 ms)."""
        t0 = time.monotonic()
        self._run(sql, conninfo)
        return time.monotonic() - t0

    def versions(self):
        return {
            "citus": self.value("SELECT extversion FROM pg_extension WHERE extname = 'citus'"),
            "citus_build": self.value("SELECT citus_version()"),
            "postgres": self.value("SHOW server_version"),
        }

    def settings(self, names):
        return {n: self.value(f"SHOW {n}") for n in names}


def machine():
    """What the lab ran on: all nodes share these cores and this disk."""
    return {"cores": os.cpu_count(), "note": "coordinator and workers on one machine over loopback: they share its cores and disk"}


def write_json(path, document):
    """Writes the measurement file atomically (a temporary file renamed into place)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(document, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)
