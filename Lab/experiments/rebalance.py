#!/usr/bin/env python3
"""Lab experiment families b and c: background rebalances and drains, timed.

For each configuration: two colocated tables with primary keys (`lab_events`, `lab_accounts`,
80/20 of the data) are created with N shards on the 3 workers and filled; worker 3 is drained
with `citus_drain_node` (timed: family c); it may hold shards again; then
`citus_rebalance_start(...)` runs with the configuration's strategy, transfer mode, executor
limits and `parallel_transfer_colocated_shards`, and `pg_dist_background_task` is polled every
0.2 s until the job ends, giving each task's observed start and end. The layout before and
after (`citus_shards`) is kept so a replay starts from the measured layout.

Usage: Lab/experiments/rebalance.py [--conninfo STR] [--out FILE] [--quick] [--shards N] [--mb MIB]
       [--modes block_writes,auto] [--strategies by_disk_size,by_shard_count] [--executors 1/1,4/2]
Many small groups (family c): --shards 128 --mb 16 --strategies by_shard_count --executors 1/1
  --out Lab/measured/rebalance_many_small.json
Default conninfo: the lab's coordinator (host=127.0.0.1 port=9700 user=postgres dbname=postgres).
Never point it at production: it drops and creates tables and moves every shard.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labsql import Cluster, machine, redact, write_json  # noqa: E402

SETTINGS = ["citus.max_background_task_executors", "citus.max_background_task_executors_per_node",
            "citus.max_adaptive_executor_pool_size", "citus.background_task_queue_interval", "citus.defer_shard_delete_interval",
            "citus.rebalancer_by_disk_size_base_cost", "citus.node_conninfo", "max_worker_processes", "shared_buffers", "max_connections"]


def layout(c):
    return [dict(zip(["table_name", "shardid", "colocation_id", "nodename", "nodeport", "shard_size"], r)) for r in c.rows(
        "SELECT s.table_name::text, s.shardid, s.colocation_id, s.nodename, s.nodeport, s.shard_size FROM citus_shards s "
        "WHERE s.table_name::text LIKE 'lab_%' ORDER BY s.shardid, s.nodeport")]


def create_tables(c, shards, mb):
    c.execute("DROP TABLE IF EXISTS lab_events, lab_accounts CASCADE")
    c.execute("CREATE TABLE lab_events (tenant_id bigint, id bigint, payload text, PRIMARY KEY (tenant_id, id))")
    c.execute("CREATE TABLE lab_accounts (tenant_id bigint PRIMARY KEY, payload text)")
    c.execute(f"SELECT create_distributed_table('lab_events', 'tenant_id', shard_count := {shards}, colocate_with := 'none')")
    c.execute("SELECT create_distributed_table('lab_accounts', 'tenant_id', colocate_with := 'lab_events')")
    # ~1 KiB rows: events 80% of the bytes, accounts 20%.
    events = int(mb * 0.8 * 1024)
    accounts = int(mb * 0.2 * 1024)
    c.execute(f"INSERT INTO lab_events SELECT i % 20000, i, repeat('x', 980) FROM generate_series(1, {events}) i")
    c.execute(f"INSERT INTO lab_accounts SELECT i, repeat('y', 1000) FROM generate_series(1, {accounts}) i")
    c.execute("VACUUM ANALYZE lab_events")
    c.execute("VACUUM ANALYZE lab_accounts")


def set_executors(c, executors, per_node):
    c.execute(f"ALTER SYSTEM SET citus.max_background_task_executors = {executors}")
    c.execute(f"ALTER SYSTEM SET citus.max_background_task_executors_per_node = {per_node}")
    c.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)


def run_one(c, cfg, shards, mb):
    create_tables(c, shards, mb)
    set_executors(c, cfg["executors"], cfg["per_node"])
    before_drain = layout(c)
    drain_s = c.timed(f"SELECT citus_drain_node('127.0.0.1', 9703, shard_transfer_mode := '{cfg['mode']}', rebalance_strategy := '{cfg['strategy']}')")
    c.execute("SELECT citus_set_node_property('127.0.0.1', 9703, 'shouldhaveshards', true)")
    c.execute("CALL citus_cleanup_orphaned_resources()")
    before = layout(c)
    plan = c.rows(f"SELECT table_name::text, shardid, sourcename, sourceport, targetname, targetport "
                  f"FROM get_rebalance_table_shards_plan(rebalance_strategy := '{cfg['strategy']}')")
    t0 = time.monotonic()
    job = c.value(f"SELECT citus_rebalance_start(rebalance_strategy := '{cfg['strategy']}', shard_transfer_mode := '{cfg['mode']}', "
                  f"parallel_transfer_colocated_shards := {str(cfg['parallel_colocated']).lower()})")
    seen = {}
    state = None
    polls = 0
    while True:
        now = time.monotonic() - t0
        polls += 1
        for task_id, status, nodes, command in c.rows(f"SELECT task_id, status, nodes_involved::text, command FROM pg_dist_background_task WHERE job_id = {job} ORDER BY task_id"):
            t = seen.setdefault(task_id, {"task_id": int(task_id), "command": command, "nodes_involved": nodes, "first_seen": {}})
            t["first_seen"].setdefault(status, round(now, 3))
        state = c.value(f"SELECT state FROM pg_dist_background_job WHERE job_id = {job}")
        if state in ("finished", "failed", "cancelled") or now > 3600:
            break
        time.sleep(0.2)
    wall = time.monotonic() - t0
    started, finished = c.rows(f"SELECT extract(epoch FROM started_at), extract(epoch FROM finished_at) FROM pg_dist_background_job WHERE job_id = {job}")[0]
    deps = c.rows(f"SELECT task_id, depends_on FROM pg_dist_background_task_depend WHERE job_id = {job} ORDER BY task_id, depends_on")
    return {
        "config": cfg, "shard_count": shards, "data_mb": mb,
        "drain": {"wall_s": round(drain_s, 3), "layout_before": before_drain},
        "layout_before_rebalance": before, "plan": plan,
        "job_id": int(job), "job_state": state, "poll_interval_s": 0.2, "polls": polls,
        "wall_s": round(wall, 3),
        "job_started_to_finished_s": round(float(finished) - float(started), 3) if finished else None,
        "tasks": [seen[k] for k in sorted(seen, key=int)],
        "task_dependencies": [[int(a), int(b)] for a, b in deps],
        "layout_after": layout(c),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--conninfo", default="host=127.0.0.1 port=9700 user=postgres dbname=postgres")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "rebalance_background.json"))
    ap.add_argument("--quick", action="store_true", help="one small configuration (a smoke run)")
    ap.add_argument("--shards", type=int, default=32)
    ap.add_argument("--mb", type=int, default=256, help="data in MiB over both tables")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--modes", default="block_writes,auto", help="transfer modes to run")
    ap.add_argument("--strategies", default="by_disk_size,by_shard_count")
    ap.add_argument("--executors", default="1/1,4/2", help="max_background_task_executors/_per_node pairs")
    a = ap.parse_args()
    c = Cluster(a.conninfo)
    print(f"rebalance: {redact(a.conninfo)}", file=sys.stderr)
    configs = []
    for strategy in a.strategies.split(","):
        for mode in a.modes.split(","):
            for executors, per_node in [tuple(int(x) for x in pair.split("/")) for pair in a.executors.split(",")]:
                for parallel in [False, True]:
                    if executors == 1 and parallel:
                        continue  # one task at a time: parallel colocated transfers change nothing
                    configs.append({"strategy": strategy, "mode": mode, "executors": executors, "per_node": per_node, "parallel_colocated": parallel})
    if a.quick:
        configs, a.repeat, a.mb = configs[:1], 1, 32
    doc = {"experiment": "background_rebalance_and_drain", "families": ["b", "c"], "conninfo": redact(a.conninfo),
           "versions": c.versions(), "settings": c.settings(SETTINGS), "machine": machine(),
           "method": __doc__.strip(), "runs": []}
    for cfg in configs:
        for rep in range(a.repeat):
            print(f"rebalance: {cfg} rep {rep}", file=sys.stderr)
            run = run_one(c, cfg, a.shards, a.mb)
            run["rep"] = rep
            doc["runs"].append(run)
            write_json(a.out, doc)  # after every run, so an interrupted series keeps what it measured
    set_executors(c, 1, 1)
    print(f"rebalance: wrote {a.out} ({len(doc['runs'])} runs)", file=sys.stderr)


if __name__ == "__main__":
    main()
