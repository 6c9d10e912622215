#!/usr/bin/env python3
"""Experiment i: a multi-tenant workload on a real Citus cluster, exported for `citus-sim import`.

Builds an uneven layout (Zipf-sized tenants, the largest isolated to its own shard, one shard moved),
runs a pgbench workload of router reads, router updates and a multi-shard scan with Zipf-chosen
tenants, then writes into --out:
  - the CSVs of `citus-sim import --psql-script` (what `citus-sim import --csv DIR` reads),
  (exported while the workload runs, 5 s before it ends, as an operator would import production)
  - rebalance_plan.csv: Citus's own get_rebalance_table_shards_plan() for the exported layout,
  - pgbench.txt: pgbench's report (per-script latencies, client side),
  - experiment.json: versions, settings, the machine and the workload.
Needs pg_stat_statements in the coordinator's shared_preload_libraries (Lab/up sets it) and the
citus-sim binary (to print the export script). Never against production: it creates and drops the
imp_* tables and resets the statistics views.

  Lab/experiments/import_export.py [--conninfo URL] [--out DIR] [--seconds 20] [--tenants 2000]
"""

import argparse
import json
import os
import subprocess
import tempfile
import time

from labsql import Cluster, redact

ROUTER = "\\set t random_zipfian(1, {n}, 1.1)\nSELECT count(*), max(id) FROM imp_events WHERE tenant_id = :t;\n"
UPDATE = "\\set t random_zipfian(1, {n}, 1.1)\nUPDATE imp_accounts SET visits = visits + 1 WHERE tenant_id = :t;\n"
SCAN = "SELECT count(*) FROM imp_events WHERE payload LIKE 'x%';\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--conninfo", default="postgres://postgres@127.0.0.1:9700/postgres?sslmode=disable")
    ap.add_argument("--out", default="Lab/measured/import-citus")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--tenants", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--citus-sim", default=".build/release/citus-sim")
    a = ap.parse_args()
    c = Cluster(a.conninfo)
    print(f"import_export: {redact(a.conninfo)}")
    if c.value("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'") == "0":
        if "pg_stat_statements" not in (c.value("SHOW shared_preload_libraries") or ""):
            raise SystemExit("import_export: pg_stat_statements is not in shared_preload_libraries on the coordinator; add it and restart")
        c.execute("CREATE EXTENSION pg_stat_statements")
    # Tenant statistics are counted on the node that runs the shard query: every node needs the setting.
    for s in ["citus.stat_statements_track = 'all'", "citus.stat_tenants_track = 'all'"]:
        c.execute(f"ALTER SYSTEM SET {s}")
        c.execute(f"SELECT run_command_on_workers($$ALTER SYSTEM SET {s}$$)")
    c.execute("SELECT pg_reload_conf()")
    c.execute("SELECT run_command_on_workers('SELECT pg_reload_conf()')")

    n = a.tenants
    c.execute("DROP TABLE IF EXISTS imp_events, imp_accounts, imp_plans CASCADE")
    c.execute("CREATE TABLE imp_accounts (tenant_id bigint PRIMARY KEY, plan int, visits bigint DEFAULT 0)")
    c.execute("CREATE TABLE imp_events (tenant_id bigint, id bigint, payload text, PRIMARY KEY (tenant_id, id))")
    c.execute("CREATE TABLE imp_plans (plan int PRIMARY KEY, name text)")
    c.execute("SELECT create_distributed_table('imp_accounts', 'tenant_id', shard_count := 16)")
    c.execute("SELECT create_distributed_table('imp_events', 'tenant_id', colocate_with := 'imp_accounts')")
    c.execute("SELECT create_reference_table('imp_plans')")
    c.execute("INSERT INTO imp_plans SELECT p, 'plan ' || p FROM generate_series(1, 5) p")
    c.execute(f"INSERT INTO imp_accounts (tenant_id, plan) SELECT t, 1 + t % 5 FROM generate_series(1, {n}) t")
    # Zipf-sized tenants: tenant t has about 40000 / t rows (at least 2).
    c.execute(f"INSERT INTO imp_events SELECT t, i, md5((t * 100000 + i)::text) FROM generate_series(1, {n}) t, generate_series(1, greatest(2, 40000 / t)) i")
    c.execute("ANALYZE imp_events, imp_accounts, imp_plans")
    # An uneven layout: the largest tenant isolated, then one shard group moved to another worker.
    c.execute("SELECT isolate_tenant_to_new_shard('imp_events', 1, 'CASCADE', shard_transfer_mode := 'block_writes')")
    shard, src, dst = c.rows("""
        SELECT s.shardid, s.nodename || ':' || s.nodeport, (SELECT nodename || ':' || nodeport FROM pg_dist_node
               WHERE groupid > 0 AND nodename || ':' || nodeport <> s.nodename || ':' || s.nodeport ORDER BY nodeid LIMIT 1)
        FROM citus_shards s WHERE s.table_name = 'imp_events'::regclass ORDER BY s.shard_size DESC, s.shardid LIMIT 1""")[0]
    sh, sp = src.split(":")
    th, tp = dst.split(":")
    c.execute(f"SELECT citus_move_shard_placement({shard}, '{sh}', {sp}, '{th}', {tp}, 'block_writes')")
    c.execute("CALL citus_cleanup_orphaned_resources()")

    # Tenant statistics count in periods of citus.stat_tenants_period (60 s) on the clock: start
    # just after a period begins, so the export (5 s before the end) sees one period's counts.
    if a.seconds > 50:
        raise SystemExit("import_export: --seconds must be at most 50 (one tenant-statistics period)")
    time.sleep((62 - time.time() % 60) % 60)
    c.execute("SELECT pg_stat_statements_reset()")
    c.execute("SELECT citus_stat_statements_reset()")
    c.execute("SELECT citus_stat_tenants_reset()")
    os.makedirs(a.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        files = []
        for name, text, weight in [("router", ROUTER, 8), ("update", UPDATE, 1), ("scan", SCAN, 1)]:
            path = os.path.join(tmp, f"{name}.sql")
            with open(path, "w") as f:
                f.write(text.format(n=n))
            files += ["-f", f"{path}@{weight}"]
        cmd = ["pgbench", "-n", "-c", str(a.clients), "-j", "2", "-T", str(a.seconds), "-d", a.conninfo] + files
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        bench = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The exports, exactly as an operator would make them, while the workload runs (so
        # pg_stat_activity shows the application's sessions), 5 s before it ends.
        time.sleep(a.seconds - 5)
        script = subprocess.run([a.citus_sim, "import", "--psql-script"], capture_output=True, text=True, check=True).stdout
        out = os.path.abspath(a.out)
        if os.geteuid() == 0:
            subprocess.run(["chown", "postgres:", out], check=True)
        script += "\\copy (SELECT * FROM get_rebalance_table_shards_plan() ORDER BY shardid) TO 'rebalance_plan.csv' CSV HEADER\n"
        with open(os.path.join(out, "export.psql"), "w") as f:
            f.write(script)
        cmd = ["psql", "-X", "-q", "-d", a.conninfo, "-f", "export.psql"]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, cwd=out, check=True)
        os.remove(os.path.join(out, "export.psql"))
        stdout, stderr = bench.communicate()
        if bench.returncode != 0:
            raise SystemExit(f"import_export: pgbench failed: {stderr.strip()}")
    with open(os.path.join(a.out, "pgbench.txt"), "w") as f:
        f.write(stdout)
    meta = {
        "experiment": "i",
        "what": "multi-tenant pgbench workload on an uneven layout, exported with `citus-sim import --psql-script`",
        "versions": c.versions(),
        "machine": {"cores": os.cpu_count(), "note": "coordinator and 3 workers share these cores and one disk"},
        "workload": {"tenants": n, "clients": a.clients, "seconds": a.seconds, "scripts": {"router": 8, "update": 1, "scan": 1},
                     "zipf": 1.1, "shard_count": 16, "isolated_tenant": 1, "moved_shard": int(shard)},
    }
    with open(os.path.join(out, "experiment.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"import_export: wrote {a.out}")


if __name__ == "__main__":
    main()
