#!/usr/bin/env python3
"""Lab experiment family d: fan-out and router latency against the shard count.

For each shard count (8, 32, 128, 512 by default): a table `lab_fan (id bigint primary key,
v int)` distributed by `id` with that many shards and 100,000 rows; then pgbench (Debian's, from
PostgreSQL 15) runs, each for a fixed time, with 1 client and with 8 clients:
- `count`: `SELECT count(*) FROM lab_fan` (a multi-shard query touching every shard);
- `aggregate`: `SELECT v % 10, count(*) FROM lab_fan GROUP BY 1` (a small aggregate, merged on the coordinator);
- `router`: `SELECT v FROM lab_fan WHERE id = :id` (one shard; planning and metadata per shard).
pgbench's per-transaction log gives every latency (raw samples kept), plus tps. With `--logs DIR`
(the lab's log directory, holding worker-N.log; `log_connections` on) each run also records the
connections every worker accepted from the coordinator's executor during it (`citus_internal`
authorizations): each client's first query opens the connections its session then keeps
(`citus.max_cached_conns_per_worker`), every further one is opened for one query and closed after it.
Such a file is the experiment `fanout_connections_against_shard_count`.

Usage: Lab/experiments/fanout.py [--host H] [--port P] [--out FILE] [--seconds S] [--shards 8,32,...] [--logs DIR]
Never point it at production: it drops and creates `lab_fan` and loads it with pgbench traffic.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labsql import Cluster, machine, write_json  # noqa: E402
from connections import LogCounter  # noqa: E402

QUERIES = {
    "count": "SELECT count(*) FROM lab_fan;",
    "aggregate": "SELECT v % 10, count(*) FROM lab_fan GROUP BY 1;",
    "router": "\\set id random(1, 100000)\nSELECT v FROM lab_fan WHERE id = :id;",
}
SETTINGS = ["citus.max_adaptive_executor_pool_size", "citus.max_shared_pool_size", "citus.executor_slow_start_interval",
            "citus.max_cached_conns_per_worker", "citus.node_conninfo", "max_connections", "shared_buffers"]


def pgbench(host, port, script, clients, seconds):
    """Runs pgbench with a per-transaction log; returns tps and every latency in ms."""
    work = tempfile.mkdtemp(prefix="lab-pgbench-")
    os.chmod(work, 0o777)
    path = os.path.join(work, "q.sql")
    with open(path, "w") as f:
        f.write(script + "\n")
    os.chmod(path, 0o644)
    cmd = ["/usr/lib/postgresql/15/bin/pgbench", "-n", "-h", host, "-p", str(port), "-U", "postgres", "-c", str(clients), "-j", str(min(clients, 2)),
           "-T", str(seconds), "-f", path, "-l", "--log-prefix", os.path.join(work, "log"), "postgres"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    if p.returncode != 0:
        raise RuntimeError(f"pgbench failed: {p.stderr.strip()[-400:]}")
    tps = next((float(line.split("=")[1].split()[0]) for line in p.stdout.splitlines() if line.startswith("tps =")), None)
    latencies = []
    for log in sorted(glob.glob(os.path.join(work, "log*"))):
        with open(log) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3:
                    latencies.append(round(int(parts[2]) / 1000.0, 3))  # microseconds -> ms
    shutil.rmtree(work, ignore_errors=True)
    return tps, latencies


def summary(latencies):
    s = sorted(latencies)
    if not s:
        return {}
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]
    return {"n": len(s), "mean_ms": round(sum(s) / len(s), 3), "p50_ms": pick(0.5), "p99_ms": pick(0.99)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9700)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "fanout_shard_count.json"))
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--shards", default="8,32,128,512")
    ap.add_argument("--logs", help="the lab's log directory (worker-N.log): count the connections each run opens")
    a = ap.parse_args()
    counter = LogCounter(a.logs) if a.logs else None
    c = Cluster(f"host={a.host} port={a.port} user=postgres dbname=postgres")
    # Counted connections make it a second experiment: the same runs, read beside the first.
    experiment = "fanout_connections_against_shard_count" if counter else "fanout_latency_against_shard_count"
    doc = {"experiment": experiment, "families": ["d"], "versions": c.versions(), "settings": c.settings(SETTINGS),
           "machine": machine(), "method": __doc__.strip(), "queries": QUERIES, "rows": 100000, "seconds_per_run": a.seconds, "runs": []}
    for shards in [int(x) for x in a.shards.split(",")]:
        c.execute("DROP TABLE IF EXISTS lab_fan")
        c.execute("CREATE TABLE lab_fan (id bigint PRIMARY KEY, v int)")
        c.execute(f"SELECT create_distributed_table('lab_fan', 'id', shard_count := {shards}, colocate_with := 'none')")
        c.execute("INSERT INTO lab_fan SELECT i, i % 97 FROM generate_series(1, 100000) i")
        c.execute("VACUUM ANALYZE lab_fan")
        for name, script in QUERIES.items():
            for clients in [1, 8]:
                print(f"fanout: {shards} shards, {name}, {clients} clients", file=sys.stderr)
                if counter:
                    counter.mark()
                tps, lat = pgbench(a.host, a.port, script, clients, a.seconds)
                run = {"shard_count": shards, "query": name, "clients": clients, "tps": tps, "summary": summary(lat)}
                if counter:
                    time.sleep(0.5)  # the last disconnects' log lines
                    run["connections_opened"] = counter.count()
                doc["runs"].append(dict(run, latencies_ms=lat))
                write_json(a.out, doc)
    c.execute("DROP TABLE IF EXISTS lab_fan")
    print(f"fanout: wrote {a.out} ({len(doc['runs'])} runs)", file=sys.stderr)


if __name__ == "__main__":
    main()
