import CGSL

/// One-time GSL set-up: GSL's default error handler aborts the process; citus-sim
/// checks arguments itself and reads GSL's return values instead.
enum GSL {
    /// Evaluated once, thread-safely, on first use (Swift global initialisers are lazy and atomic).
    static let ready: Void = { _ = gsl_set_error_handler_off() }()
}
