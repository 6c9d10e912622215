import ArgumentParser
struct Run: ParsableCommand {}
struct Validate: ParsableCommand {}
