import CGSL

/// Cache hints: start fetching memory that a later step will read, so the miss overlaps
/// other work. A hint never changes a result.
public enum Prefetch {
    /// Starts fetching the cache line holding `pointer`.
    @inlinable
    public static func read(_ pointer: UnsafeRawPointer) {
        cgsl_prefetch(pointer)
    }

    /// Starts fetching `array[index]` (nothing if `index` is out of range).
    @inlinable
    public static func read<Element>(_ array: [Element], at index: Int) {
        guard index >= 0 && index < array.count else { return }
        array.withUnsafeBufferPointer { read($0.baseAddress! + index) }
    }
}
