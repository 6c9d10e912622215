import Foundation

/// Starting scenarios for `citus-sim init`: small enough to run in seconds, commented so a new
/// user knows what each number means and where to find their own (every key is documented in
/// Scenarios/README.md). Each template validates and runs (tested).
public enum ScenarioTemplate: String, CaseIterable, Sendable {
    case multiTenant = "multi-tenant"
    case realtime
    case sizing

    /// What the template answers, for `init --help`.
    public var summary: String {
        switch self {
        case .multiTenant: return "a multi-tenant SaaS: Zipfian tenants, router lookups and updates, a few dashboards, and adding a worker"
        case .realtime: return "real-time analytics: fan-out rollups and ingest over many shards, closed-loop clients"
        case .sizing: return "a sizing question for `recommend`: the cheapest cluster that meets the SLOs"
        }
    }

    public var text: String {
        switch self {
        case .multiTenant: return Self.header + Self.multiTenantText.replacingOccurrences(of: Self.timelineMarker, with: "")
        case .realtime: return Self.header + Self.realtimeText
        case .sizing: return Self.header + (Self.multiTenantText.components(separatedBy: Self.timelineMarker).first ?? "") + Self.sizingText
        }
    }

    static let header = """
    # A starting scenario written by `citus-sim init`. Edit the numbers to match your cluster;
    # every key, its unit and default is in Scenarios/README.md. Check it with
    # `citus-sim validate FILE` and simulate it with `citus-sim run FILE` (or `recommend FILE`).

    """

    /// Where the multi-tenant template's timeline starts (the sizing template stops there).
    static let timelineMarker = "#TIMELINE\n"

    static let multiTenantText = """
    version: 1
    kind: cluster
    run:
      seed: 1
      duration: 10m           # simulated time per replication; the rebalance below needs the run to outlast it
      warmup: 30s             # not measured: caches and connections settle first
      replications: 3         # independent runs: every figure gets a confidence interval
      sample_interval: 10s    # one time-series row per interval
    cluster:
      # Sizes of your nodes (SQL cannot see them: take them from your cloud console).
      coordinator: {cores: 8, memory_gib: 32, max_connections: 500}
      workers: {count: 4, cores: 8, memory_gib: 64, shared_buffers_gib: 16, disk_iops: 16000, disk_mb_per_second: 500, max_connections: 1000}
      tls: true               # Citus's default between nodes (citus.node_conninfo sslmode)
    citus:
      shard_count: 32         # SHOW citus.shard_count; the docs advise 32 below 100 GB of data, 64 or 128 above
    tables:
      # Distributed tables colocated by tenant, and small reference tables (\\d+ and citus_tables).
      - {name: events, type: distributed, distribution_column_type: bigint, data_share: 0.8}
      - {name: accounts, type: distributed, colocate_with: events, data_share: 0.2}
      - {name: plans, type: reference, size_mib: 10}
    tenants:
      count: 20000            # SELECT count(DISTINCT tenant_id) FROM events;
      total_size_gib: 100     # SELECT sum(shard_size) FROM citus_shards (all distributed tables)
      size_zipf: 0.8          # skew of data sizes over rank (0 = equal tenants; fit it to your largest tenants' sizes)
      activity_zipf: 0.9      # skew of queries over rank (fit it to citus_stat_tenants' query counts)
    workload:
      arrivals:
        rate_per_second: 1500 # queries per second at the coordinator (pg_stat_statements calls / seconds)
        sessions: 150         # the application's connection pool to the coordinator
      classes:
        # One class per kind of query; worker_cpu is the CPU of one shard task on a worker
        # (for a router query: total_exec_time / calls of its statement in citus_stat_statements).
        - name: tenant_lookup
          kind: router
          share: 0.8
          table: events
          worker_cpu: {distribution: lognormal, mean: 1500us, cv: 1.5}
          bytes_read_kib: 64      # data read per query (shared_blks_hit + read, x 8 KiB, per call)
          result_bytes_kib: 4
        - name: tenant_update
          kind: router
          command: update
          share: 0.18
          table: events
          worker_cpu: {distribution: lognormal, mean: 1ms, cv: 1}
          bytes_read_kib: 16
          write_bytes_kib: 4
        - name: admin_dashboard
          kind: multi_shard       # fans out to every shard through the adaptive executor
          share: 0.02
          table: events
          worker_cpu: {distribution: lognormal, mean: 8ms, cv: 1}
          coordinator_cpu: {distribution: exponential, mean: 2ms}
          bytes_read_kib: 256
    slo:
      p99_ms: {tenant_lookup: 50, tenant_update: 50, admin_dashboard: 500}
    #TIMELINE
    timeline:
      # Add a worker and rebalance, as a DBA would (the SQL runs in simulated time).
      - at: 2m
        sql: |
          SELECT citus_add_node('worker-5', 5432);
          SELECT citus_rebalance_start();

    """

    static let realtimeText = """
    version: 1
    kind: cluster
    run:
      seed: 1
      duration: 2m
      warmup: 15s
      replications: 3
      sample_interval: 5s
    cluster:
      coordinator: {cores: 16, memory_gib: 64, max_connections: 300}
      workers: {count: 4, cores: 8, memory_gib: 64, shared_buffers_gib: 16, disk_iops: 16000, disk_mb_per_second: 1000, max_connections: 500}
    citus:
      shard_count: 64         # the docs advise 2x to 4x the workers' total cores for real-time analytics
    tables:
      - {name: page_views, type: distributed, distribution_column_type: bigint}
    tenants:
      count: 5000
      total_size_gib: 200
      size_zipf: 1.0
      activity_zipf: 0.8
    workload:
      clients:
        count: 16             # dashboards or jobs sending one query after another
        think_time: {distribution: exponential, mean: 1s}
      classes:
        - name: rollup_query
          kind: multi_shard
          share: 0.8
          table: page_views
          worker_cpu: {distribution: gamma, mean: 25ms, cv: 0.5}   # per shard task
          coordinator_cpu: {distribution: exponential, mean: 2ms}   # planning and merging
          bytes_read_kib: 2048
          result_bytes_kib: 8
        - name: ingest_batch
          kind: insert_select_pushdown
          share: 0.2
          table: page_views
          worker_cpu: {distribution: gamma, mean: 10ms, cv: 0.5}
          bytes_read_kib: 256
          write_bytes_kib: 512
    slo:
      p99_ms: {rollup_query: 2000}

    """

    static let sizingText = """
    advisor:
      # `citus-sim recommend FILE` searches these and picks the cheapest cluster meeting `slo`.
      workload: multi_tenant
      min_workers: 2
      max_workers: 6
      search:
        instances: [general-4, general-8, memory-4]   # from the default catalog (Scenarios/README.md#advisor)
      replications: 3
      duration: 60s           # simulated time per candidate
      warmup: 10s
      growth_steps: [1.5, 2]  # how much more traffic the choice takes
      scale_out: false        # set to a mapping to compare rebalance settings (slower)

    """
}
