#!/usr/bin/env python3
"""Lab experiment family h: PostgreSQL's two cache levels, shared_buffers in front of the OS page cache.

A plain PostgreSQL 15 instance (no Citus: the cache is PostgreSQL's and the kernel's) runs on
127.0.0.1:9710 with `shared_buffers` 64 MiB inside a memory cgroup limited to `--ram-mib` (512):
the kernel charges the instance's page cache to that cgroup, so the instance sees a machine with
that much RAM. Two tables of ~500-byte rows with a primary key: `lab_cache_fits` (256 MiB, larger
than shared_buffers, smaller than the RAM) and `lab_cache_large` (1536 MiB, larger than both).

For each table and Zipf exponent s (0.9, 1.2): restart the instance (empty shared_buffers), drop
the kernel's page cache, run W warm-up point lookups, then M measured ones, all in one backend:
a nested loop of index lookups (keys drawn first into a materialized CTE) whose key is rank r drawn from a Zipf(s) law over the table's n
rows by inversion of its continuous approximation, r = floor(((n^(1-s) - 1) u + 1)^(1/(1-s))), u
uniform (seeded), scattered over the table as id = (r * 1000003) mod n + 1. For the measured
lookups: blocks hit in shared_buffers and read (EXPLAIN (ANALYZE, BUFFERS)), and the bytes the
backend really read from disk (`read_bytes` in /proc/PID/io): reads from the page cache are the
blocks read less the disk blocks.

Needs root (drop_caches, the cgroup, /proc/PID/io); without a writable memory cgroup the RAM is
the machine's and the run records that. Usage: Lab/experiments/cache.py [--ram-mib 512] [--out FILE]
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labsql import Cluster, machine, write_json  # noqa: E402
from session import Session  # noqa: E402

BIN = "/usr/lib/postgresql/15/bin"
PORT = 9710
TABLES = {"lab_cache_fits": 256, "lab_cache_large": 1536}
ROW_BYTES = 500


def as_pg(cmd):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + cmd


def memory_cgroup(ram_mib):
    """A child memory cgroup limited to ram_mib, or None when there is none to create."""
    try:
        with open("/proc/self/cgroup") as f:
            rel = next(l.strip().split(":", 2)[2] for l in f if l.split(":")[1] == "memory")
        path = os.path.join("/sys/fs/cgroup/memory" + rel, "citus-lab-cache")
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "memory.limit_in_bytes"), "w") as f:
            f.write(str(ram_mib * 1048576))
        return path
    except (OSError, StopIteration):
        return None


def start(data, log, cgroup):
    inner = " ".join(as_pg([f"{BIN}/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "start"]))
    prefix = f"echo $$ > {cgroup}/tasks && " if cgroup else ""
    subprocess.run(["sh", "-c", prefix + "exec " + inner], check=True, capture_output=True)


def stop(data):
    subprocess.run(as_pg([f"{BIN}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]), capture_output=True)


def drop_page_cache():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("1\n")


def read_bytes(pid):
    with open(f"/proc/{pid}/io") as f:
        return int(next(l for l in f if l.startswith("read_bytes:")).split()[1])


def lookups(table, n, s, count, offset):
    # The keys are drawn first (a materialized CTE: in memory, no buffer reads), so each lookup is
    # an index scan parameterised by its key (a volatile key inside the lookup defeats the index).
    key = (f"((floor(power((power({n}::float8, {1 - s}) - 1) * random() + 1, {1 / (1 - s)})))::bigint * 1000003) % {n} + 1")
    return (f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) WITH k AS MATERIALIZED (SELECT g, {key} AS id FROM generate_series({offset}, {offset + count - 1}) g) "
            f"SELECT sum(length(t.payload)) FROM k CROSS JOIN LATERAL (SELECT payload FROM {table} t WHERE t.id = k.id) t")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=os.path.join(os.environ.get("LAB_DIR", "/tmp/citus-lab"), "cache-pg"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "cache_two_levels.json"))
    ap.add_argument("--ram-mib", type=int, default=512)
    ap.add_argument("--warmup", type=int, default=200000)
    ap.add_argument("--lookups", type=int, default=200000)
    a = ap.parse_args()
    cgroup = memory_cgroup(a.ram_mib)
    data, log = a.dir, a.dir + ".log"
    if not os.path.exists(os.path.join(data, "PG_VERSION")):
        os.makedirs(data, exist_ok=True)
        if os.geteuid() == 0:
            subprocess.run(["chown", "postgres:", data], check=True)
        subprocess.run(as_pg([f"{BIN}/initdb", "-D", data, "-U", "postgres", "--auth=trust"]), check=True, capture_output=True)
        with open(os.path.join(data, "postgresql.conf"), "a") as f:
            f.write(f"listen_addresses = '127.0.0.1'\nport = {PORT}\nshared_buffers = 64MB\nunix_socket_directories = '{data}'\n"
                    "track_io_timing = on\nmax_wal_size = 4GB\nlog_min_messages = warning\n")
    if os.geteuid() == 0:
        subprocess.run(["touch", log]); subprocess.run(["chown", "postgres:", log])
    conn = f"host=127.0.0.1 port={PORT} user=postgres dbname=postgres"
    stop(data)
    start(data, log, cgroup)
    try:
        c = Cluster(conn)
        rows = {}
        for table, mib in TABLES.items():
            rows[table] = mib * 1048576 // (ROW_BYTES + 40)
            if c.value(f"SELECT to_regclass('{table}') IS NOT NULL") != "t":
                c.execute(f"CREATE TABLE {table} (id bigint PRIMARY KEY, payload text) WITH (autovacuum_enabled = off)")
                c.execute(f"INSERT INTO {table} SELECT i, repeat('c', {ROW_BYTES}) FROM generate_series(1, {rows[table]}) i")
                c.execute(f"VACUUM ANALYZE {table}")
        sizes = {t: int(c.value(f"SELECT pg_relation_size('{t}')")) for t in TABLES}
        index_sizes = {t: int(c.value(f"SELECT pg_relation_size('{t}_pkey')")) for t in TABLES}
        doc = {"experiment": "two_level_cache", "families": ["h"], "versions": {"postgres": c.value("SHOW server_version")},
               "settings": {"shared_buffers": c.value("SHOW shared_buffers"), "block_size": c.value("SHOW block_size"),
                            "emulated_ram_mib": a.ram_mib if cgroup else None, "memory_cgroup": bool(cgroup)},
               "machine": machine(), "method": __doc__.strip(), "tables": {t: {"rows": rows[t], "heap_bytes": sizes[t], "index_bytes": index_sizes[t]} for t in TABLES},
               "warmup_lookups": a.warmup, "lookups": a.lookups, "runs": []}
        for table in TABLES:
            for s in [0.9, 1.2]:
                stop(data)
                drop_page_cache()
                start(data, log, cgroup)
                sess = Session(conn)
                sess.rows("SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_seqscan = off; SET enable_bitmapscan = off")
                sess.rows("SELECT setseed(0.42)")
                pid = sess.value("SELECT pg_backend_pid()")
                sess.rows(lookups(table, rows[table], s, a.warmup, 1))
                disk0 = read_bytes(pid)
                t0 = time.monotonic()
                plan = json.loads("\n".join("\t".join(r) for r in sess.rows(lookups(table, rows[table], s, a.lookups, a.warmup + 1))))[0]["Plan"]
                wall = time.monotonic() - t0
                disk = read_bytes(pid) - disk0
                sess.close()
                hit, read = plan["Shared Hit Blocks"], plan["Shared Read Blocks"]
                disk_blocks = disk / 8192
                run = {"table": table, "zipf_s": s, "shared_hit_blocks": hit, "shared_read_blocks": read, "disk_read_bytes": disk,
                       "page_cache_blocks": max(0, read - disk_blocks), "disk_blocks": disk_blocks, "wall_s": round(wall, 3),
                       "io_read_time_ms": plan.get("I/O Read Time")}
                print(f"cache: {table} s={s}: hit {hit}, read {read} (disk {disk_blocks:.0f} blocks), {wall:.1f} s", file=sys.stderr)
                doc["runs"].append(run)
                write_json(a.out, doc)
    finally:
        stop(data)
    print(f"cache: wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
