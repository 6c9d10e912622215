#!/usr/bin/env python3
"""Lab experiment family a: single shard moves at several sizes, each transfer mode, repeated.

For each size (MiB per shard group): a table `lab_move (tenant_id bigint, id bigint, payload
text, PRIMARY KEY (tenant_id, id))` with 3 shards (one per worker) is created and filled with
~1 KiB rows; then the shard on worker 1 is moved to worker 2 and back with
`citus_move_shard_placement(..., shard_transfer_mode := MODE)` for MODE in `block_writes`,
`force_logical` and `auto` (the table has a primary key, so `auto` replicates logically), each
timed as the statement's wall time from psql (psql's own start-up, measured separately as
`psql_overhead_s`, is included). Orphaned placements are cleaned up between moves, untimed.
The shard's size (`citus_shards.shard_size`) before each move is recorded with it.

Usage: Lab/experiments/moves.py [--conninfo STR] [--out FILE] [--sizes 8,64,256] [--repeat 3]
Never point it at production: it drops and creates `lab_move` and moves its shards.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labsql import Cluster, machine, redact, write_json  # noqa: E402

SETTINGS = ["citus.max_adaptive_executor_pool_size", "citus.node_conninfo", "citus.logical_replication_timeout",
            "citus.defer_shard_delete_interval", "wal_level", "shared_buffers", "max_wal_size"]
MODES = ["block_writes", "force_logical", "auto"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--conninfo", default="host=127.0.0.1 port=9700 user=postgres dbname=postgres")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "single_moves.json"))
    ap.add_argument("--sizes", default="8,64,256", help="MiB in the moved shard")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    c = Cluster(a.conninfo)
    print(f"moves: {redact(a.conninfo)}", file=sys.stderr)
    overhead = statistics.median(c.timed("SELECT 1") for _ in range(9))
    doc = {"experiment": "single_shard_moves", "families": ["a"], "conninfo": redact(a.conninfo), "versions": c.versions(),
           "settings": c.settings(SETTINGS), "machine": machine(), "method": __doc__.strip(),
           "psql_overhead_s": round(overhead, 4), "moves": []}
    ports = [int(p) for p in c.value("SELECT string_agg(nodeport::text, ',' ORDER BY nodeport) FROM pg_dist_node WHERE noderole = 'primary' AND shouldhaveshards AND groupid > 0").split(",")]
    src, dst = ports[0], ports[1]
    for mb in [int(x) for x in a.sizes.split(",")]:
        c.execute("DROP TABLE IF EXISTS lab_move")
        c.execute("CREATE TABLE lab_move (tenant_id bigint, id bigint, payload text, PRIMARY KEY (tenant_id, id))")
        c.execute(f"SELECT create_distributed_table('lab_move', 'tenant_id', shard_count := {len(ports)}, colocate_with := 'none')")
        rows = mb * 1024 * len(ports)
        c.execute(f"INSERT INTO lab_move SELECT i % 997, i, repeat('m', 980) FROM generate_series(1, {rows}) i")
        c.execute("VACUUM ANALYZE lab_move")
        shard = c.value(f"SELECT shardid FROM citus_shards WHERE table_name = 'lab_move'::regclass AND nodeport = {src} ORDER BY shardid LIMIT 1")
        for rep in range(a.repeat):
            for mode in MODES:
                for (s, t) in [(src, dst), (dst, src)]:
                    size = int(c.value(f"SELECT shard_size FROM citus_shards WHERE shardid = {shard}"))
                    wall = c.timed(f"SELECT citus_move_shard_placement({shard}, '127.0.0.1', {s}, '127.0.0.1', {t}, shard_transfer_mode := '{mode}')")
                    c.execute("CALL citus_cleanup_orphaned_resources()")
                    print(f"moves: {mb} MiB {mode} {s}->{t}: {wall:.2f} s", file=sys.stderr)
                    doc["moves"].append({"size_mib": mb, "mode": mode, "rep": rep, "shardid": int(shard), "source_port": s,
                                         "target_port": t, "shard_bytes": size, "wall_s": round(wall, 4)})
                    write_json(a.out, doc)
    c.execute("DROP TABLE IF EXISTS lab_move")
    print(f"moves: wrote {a.out} ({len(doc['moves'])} moves)", file=sys.stderr)


if __name__ == "__main__":
    main()
