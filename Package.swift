// swift-tools-version: 6.0
import PackageDescription

// Dependencies point down the list of targets: SimCore knows nothing of Citus;
// only Scenario, Reporting and the executable touch files and Foundation.
let package = Package(
    name: "citus-sim",
    products: [
        .executable(name: "citus-sim", targets: ["citus-sim"]),
        .library(name: "SimCore", targets: ["SimCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(
            name: "SimCore",
            dependencies: [
                "CGSL",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(name: "QueueingModels", dependencies: ["SimCore"]),
        // Independent runs on several threads, results in job order (the kernel has no threads).
        .target(name: "ParallelRuns", dependencies: ["SimCore"]),
        .target(name: "ClusterModel"),
        .target(name: "Planner", dependencies: ["ClusterModel"]),
        .target(name: "Workload", dependencies: ["SimCore"]),
        // Findings located to file, line and column, and the did-you-mean every reader uses.
        .target(name: "Diagnostics"),
        // Deterministic output text: fixed-precision numbers and JSON with keys in the order given.
        .target(name: "TextFormat"),
        // The SQL subset runbooks and timelines are written in: lexer, parser, statements.
        .target(name: "SQL", dependencies: ["Diagnostics"]),
        // What the statements mean to Citus's metadata (RunbookRunner), at once or over time.
        .target(name: "Runbook", dependencies: ["ClusterModel", "Planner", "Diagnostics", "SQL"]),
        .target(name: "Simulation", dependencies: ["SimCore", "ClusterModel", "Planner", "Workload", "SQL", "Runbook"]),
        .target(name: "Advisor", dependencies: ["SimCore", "ParallelRuns", "ClusterModel", "Workload", "Simulation", "SQL", "Runbook"]),
        .target(
            name: "Scenario",
            dependencies: [
                "SimCore", "QueueingModels", "ClusterModel", "Planner", "Workload", "Simulation", "Diagnostics", "SQL", "Runbook", "Advisor",
                .product(name: "Yams", package: "Yams"), .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .target(name: "Calibration", dependencies: ["SimCore", "ParallelRuns", "Simulation", "Scenario"]),
        // The only target that talks to PostgreSQL (read-only catalog queries for `import`).
        .target(name: "ClusterImport", dependencies: ["SimCore", "Simulation", "Diagnostics", "Scenario",
                                                      .product(name: "PostgresNIO", package: "postgres-nio")]),
        // Running experiments: a scenario's replications, the advisor's search and studies, its
        // partial results and checkpoints.
        .target(name: "Experiments", dependencies: ["SimCore", "ParallelRuns", "TextFormat", "QueueingModels", "Workload", "Simulation", "Scenario", "Advisor"]),
        // Formatting results: CSV, JSON, HTML reports (it runs nothing).
        .target(name: "Reporting", dependencies: ["SimCore", "TextFormat", "QueueingModels", "Scenario", "Experiments", "Calibration", "ClusterModel", "Planner", "Simulation", "Workload", "Advisor",
                                                  .product(name: "Mustache", package: "swift-mustache")]),
        // `citus-sim fuzz`: corpus, mutations, the readers each input goes through, the crash trap.
        .target(name: "Fuzzing", dependencies: ["SimCore", "ClusterModel", "Simulation", "SQL", "Runbook", "Scenario", "Advisor"]),
        .executableTarget(
            name: "citus-sim",
            dependencies: [
                "SimCore", "QueueingModels", "ClusterModel", "Planner", "Workload", "Simulation", "Diagnostics", "SQL", "Runbook", "Scenario", "Reporting", "Advisor",
                "Calibration", "ClusterImport", "Fuzzing", "Experiments", "TextFormat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "ParallelRuns"]),
        .testTarget(name: "QueueingModelsTests", dependencies: ["QueueingModels", "SimCore", "ParallelRuns"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ClusterModelTests", dependencies: ["ClusterModel", "TestSupport"]),
        .testTarget(name: "PlannerTests", dependencies: ["Planner", "ClusterModel", "TestSupport"]),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload", "SimCore"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "ParallelRuns", "Workload", "SimCore", "ClusterModel", "QueueingModels", "SQL", "TestSupport"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "Experiments", "Reporting", "TextFormat", "Advisor", "ClusterModel", "Planner", "Simulation", "Workload", "Diagnostics", "SQL", "Runbook"]),
        .testTarget(name: "AdvisorTests", dependencies: ["Advisor", "Simulation", "Workload", "SimCore", "Diagnostics", "SQL", "Scenario", "Experiments", "Reporting", "TextFormat"]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Reporting", "Scenario", "Simulation", "SimCore", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["citus-sim"]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "SimCore"]),
        .testTarget(name: "ClusterImportTests", dependencies: ["ClusterImport", "Diagnostics", "Scenario", "Simulation", "SimCore"]),
    ]
)
