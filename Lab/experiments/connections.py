#!/usr/bin/env python3
"""Lab experiment families e and f: connections Citus opens to workers, one query and under pgbench.

Tables: `conn_t` (100,000 rows, 32 shards) and `conn_slow` (colocated, exactly one row per shard,
so `SELECT count(*) FROM conn_slow WHERE pg_sleep(1) IS NOT NULL` makes every shard task take 1 s).

Family e, one query: in one psql session (`citus.max_adaptive_executor_pool_size` 16, 4, 1), the
fast `count(*)` and the slow one, each run twice; after each, the new connections each worker
accepted for this session (lines `connection authorized ... application_name=citus_internal
gpid=<the session's gpid>` in the worker's log, `log_connections` on) and the peak concurrent
backends of that gpid (polled every ~20 ms from one session per worker). Connection set-up time:
pgbench `-C` (a new connection per transaction) running `SELECT 1` against a worker with sslmode
`require` and `disable`, and running the fast fan-out against the coordinator with
`citus.node_conninfo` `sslmode=require` and `sslmode=disable` (each fan-out of a fresh session opens
its worker connections), beside the same fan-out without `-C`.

Family f, pgbench (closed loop, 16 and 64 clients, `-T` seconds): the fast multi-shard `count(*)`
and a router `SELECT v FROM conn_t WHERE id = :id`, under `citus.max_shared_pool_size` default /
32 / 8 / 4 and `citus.max_adaptive_executor_pool_size` 16 / 4 / 1: tps, mean latency, failed
transactions, worker connections opened (all `citus_internal` authorizations in the run's window)
and the peak `citus_internal` backends per worker. A run that makes no progress for its time
plus 30 s is stopped and recorded as `hung` (a shared pool smaller than the clients' cached
connections can wait forever, as the Citus docs warn).

Counting connections needs the workers' log files (`--logs DIR` holding worker-N.log, the lab's
layout); it is a lab experiment. Usage: Lab/experiments/connections.py [--seconds 5] [--out FILE]
Never point it at production: it drops and creates tables, changes settings and loads the cluster.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labsql import Cluster, machine, write_json  # noqa: E402
from session import Session  # noqa: E402

WORKERS = {9701: "worker-1", 9702: "worker-2", 9703: "worker-3"}
FAST = "SELECT count(*) FROM conn_t"
SLOW = "SELECT count(*) FROM conn_slow WHERE pg_sleep(1) IS NOT NULL"
ROUTER = "\\set id random(1, 100000)\nSELECT v FROM conn_t WHERE id = :id;"
SETTINGS = ["citus.max_shared_pool_size", "citus.max_adaptive_executor_pool_size", "citus.executor_slow_start_interval",
            "citus.max_cached_conns_per_worker", "citus.max_cached_connection_lifetime", "citus.node_conninfo",
            "citus.force_max_query_parallelization", "max_connections"]
AUTH = re.compile(r"connection authorized: .*application_name=(citus_internal gpid=(\d+))?")


class LogCounter:
    """Counts `connection authorized` lines appended to each worker's log since `mark()`."""

    def __init__(self, logdir):
        self.paths = {p: os.path.join(logdir, n + ".log") for p, n in WORKERS.items()}
        self.offsets = {}

    def mark(self):
        self.offsets = {p: os.path.getsize(path) for p, path in self.paths.items()}

    def count(self, gpid=None):
        out = {}
        for p, path in self.paths.items():
            with open(path, "rb") as f:
                f.seek(self.offsets[p])
                text = f.read().decode("utf-8", "replace")
            n = 0
            for line in text.splitlines():
                m = AUTH.search(line)
                if m and m.group(1) and (gpid is None or m.group(2) == str(gpid)):
                    n += 1
            out[str(p)] = n
        return out


class PeakPoller(threading.Thread):
    """Polls each worker's pg_stat_activity for citus_internal backends (of one gpid, or all)."""

    def __init__(self, like):
        super().__init__(daemon=True)
        self.like, self.stop, self.peak = like, threading.Event(), {str(p): 0 for p in WORKERS}
        self.sessions = {p: Session(f"host=127.0.0.1 port={p} user=postgres dbname=postgres") for p in WORKERS}

    def run(self):
        while not self.stop.is_set():
            for p, s in self.sessions.items():
                n = int(s.value(f"SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '{self.like}'"))
                self.peak[str(p)] = max(self.peak[str(p)], n)
            time.sleep(0.02)

    def finish(self):
        self.stop.set()
        self.join(timeout=10)
        for s in self.sessions.values():
            s.close()
        return self.peak


def pgbench(port, script, clients, seconds, connect_each=False, env=None):
    work = tempfile.mkdtemp(prefix="lab-pgbench-")
    os.chmod(work, 0o777)
    path = os.path.join(work, "q.sql")
    with open(path, "w") as f:
        f.write(script.rstrip(";") + ";\n")
    os.chmod(path, 0o644)
    cmd = ["/usr/lib/postgresql/15/bin/pgbench", "-n", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", str(clients),
           "-j", str(min(clients, 2)), "-T", str(seconds), "-f", path] + (["-C"] if connect_each else []) + ["postgres"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", "env"] + [f"{k}={v}" for k, v in (env or {}).items()] + cmd
    # A too-small shared pool can hang a run for good (sessions keep their cached connections and
    # wait for slots that never free): after `seconds` + 30 s the run is stopped and recorded as hung.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        Cluster("host=127.0.0.1 port=9700 user=postgres dbname=postgres").execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'pgbench'")
        time.sleep(1)
        return {"tps": 0.0, "latency_average_ms": None, "connection_time_ms": None, "transactions": None, "failed": None,
                "exit_code": None, "errors": [], "hung": True}
    p = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    def grab(key):
        for line in p.stdout.splitlines():
            if line.strip().startswith(key):
                found = re.findall(r"-?\d+(?:\.\d+)?", line.strip()[len(key):])
                return float(found[0]) if found else None
        return None
    return {"tps": grab("tps"), "latency_average_ms": grab("latency average"), "connection_time_ms": grab("average connection time") or grab("initial connection time"),
            "transactions": grab("number of transactions actually processed"), "failed": grab("number of failed transactions"),
            "exit_code": p.returncode, "hung": False, "errors": sorted(set(l.strip()[:160] for l in p.stderr.splitlines() if "error" in l.lower()))[:5]}


def set_system(c, name, value):
    c.execute(f"ALTER SYSTEM SET {name} = {value}" if value is not None else f"ALTER SYSTEM RESET {name}")
    c.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)


def single_queries(logs, doc):
    for pool in [16, 4, 1]:
        s = Session("host=127.0.0.1 port=9700 user=postgres dbname=postgres")
        s.rows(f"SET citus.max_adaptive_executor_pool_size = {pool}")
        gpid = s.value("SELECT citus_backend_gpid()")
        for name, sql in [("fast_count", FAST), ("slow_count_1s_per_shard", SLOW)]:
            for nth in ["first_query_in_session", "second_query_same_session"]:
                if name == "slow_count_1s_per_shard" and nth == "first_query_in_session":
                    s.close()  # a fresh session, so the slow query is the first of its session
                    s = Session("host=127.0.0.1 port=9700 user=postgres dbname=postgres")
                    s.rows(f"SET citus.max_adaptive_executor_pool_size = {pool}")
                    gpid = s.value("SELECT citus_backend_gpid()")
                logs.mark()
                poll = PeakPoller(f"citus_internal gpid={gpid}")
                poll.start()
                wall = s.timed(sql)
                time.sleep(0.1)
                peak = poll.finish()
                new = logs.count(gpid)
                print(f"connections: pool {pool} {name} {nth}: {wall:.3f} s, new {new}, peak {peak}", file=sys.stderr)
                doc["single_query"].append({"query": name, "pool_size": pool, "nth": nth, "wall_s": round(wall, 4),
                                            "new_connections": new, "peak_concurrent": peak})
        s.close()


def setup_time(c, seconds, doc):
    for mode in ["require", "disable"]:
        r = pgbench(9701, "SELECT 1", 1, seconds, connect_each=True, env={"PGSSLMODE": mode})
        doc["connection_setup"].append({"what": "client_to_worker_select_1", "sslmode": mode, **r})
        print(f"connections: setup client->worker sslmode={mode}: {r['connection_time_ms']} ms", file=sys.stderr)
    for mode in ["require", "disable"]:
        set_system(c, "citus.node_conninfo", f"'sslmode={mode}'")
        for each in [True, False]:
            r = pgbench(9700, FAST, 1, seconds, connect_each=each, env={"PGSSLMODE": "disable"})
            doc["connection_setup"].append({"what": "fast_fanout_new_session" if each else "fast_fanout_cached", "node_sslmode": mode, **r})
            print(f"connections: fan-out node sslmode={mode} -C={each}: {r['latency_average_ms']} ms", file=sys.stderr)
    set_system(c, "citus.node_conninfo", "'sslmode=require'")


def pgbench_grid(c, logs, seconds, doc):
    for shared in [None, 32, 8, 4]:
        set_system(c, "citus.max_shared_pool_size", shared)
        for pool in [16, 4, 1]:
            set_system(c, "citus.max_adaptive_executor_pool_size", pool)
            for name, script in [("fast_count", FAST), ("router", ROUTER)]:
                for clients in [16, 64]:
                    logs.mark()
                    poll = PeakPoller("citus_internal%")
                    poll.start()
                    r = pgbench(9700, script, clients, seconds)
                    peak = poll.finish()
                    new = logs.count()
                    print(f"connections: pgbench shared {shared or 'default'} pool {pool} {name} {clients} clients: {r['tps']} tps, new {new}, peak {peak}", file=sys.stderr)
                    doc["pgbench"].append({"query": name, "clients": clients, "max_shared_pool_size": shared or "default", "pool_size": pool,
                                           "seconds": seconds, **r, "new_connections": new, "peak_backends": peak})
                    write_json(doc["_out"], {k: v for k, v in doc.items() if k != "_out"})
    set_system(c, "citus.max_shared_pool_size", None)
    set_system(c, "citus.max_adaptive_executor_pool_size", None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--logs", default=os.environ.get("LAB_DIR", "/tmp/citus-lab"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "connections.json"))
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--skip-pgbench", action="store_true")
    a = ap.parse_args()
    c = Cluster("host=127.0.0.1 port=9700 user=postgres dbname=postgres")
    logs = LogCounter(a.logs)
    c.execute("DROP TABLE IF EXISTS conn_t, conn_slow")
    c.execute("CREATE TABLE conn_t (id bigint PRIMARY KEY, v int)")
    c.execute("SELECT create_distributed_table('conn_t', 'id', shard_count := 32, colocate_with := 'none')")
    c.execute("INSERT INTO conn_t SELECT i, i % 97 FROM generate_series(1, 100000) i")
    c.execute("CREATE TABLE conn_slow (id bigint PRIMARY KEY)")
    c.execute("SELECT create_distributed_table('conn_slow', 'id', colocate_with := 'conn_t')")
    c.execute("INSERT INTO conn_slow SELECT DISTINCT ON (get_shard_id_for_distribution_column('conn_slow', i)) i FROM generate_series(1, 2000) i "
              "ORDER BY get_shard_id_for_distribution_column('conn_slow', i), i")
    c.execute("VACUUM ANALYZE conn_t")
    c.execute("VACUUM ANALYZE conn_slow")
    layout = c.rows("SELECT nodeport, count(*) FROM citus_shards WHERE table_name = 'conn_t'::regclass GROUP BY 1 ORDER BY 1")
    doc = {"experiment": "connections", "families": ["e", "f"], "versions": c.versions(), "settings": c.settings(SETTINGS),
           "machine": machine(), "method": __doc__.strip(), "queries": {"fast_count": FAST, "slow_count_1s_per_shard": SLOW, "router": ROUTER},
           "shards_per_worker": {p: int(n) for p, n in layout}, "single_query": [], "connection_setup": [], "pgbench": [], "_out": a.out}
    single_queries(logs, doc)
    setup_time(c, a.seconds, doc)
    write_json(a.out, {k: v for k, v in doc.items() if k != "_out"})
    if not a.skip_pgbench:
        pgbench_grid(c, logs, a.seconds, doc)
    write_json(a.out, {k: v for k, v in doc.items() if k != "_out"})
    print(f"connections: wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
