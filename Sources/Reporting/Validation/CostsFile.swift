import Calibration
import TextFormat

/// `costs.yaml`, written by `citus-sim calibrate`: the fitted costs, each with its 95% interval
/// and samples as a comment. The `operations:` section pastes into a scenario as it is; the
/// `measured:` section lists costs the model does not use yet.
public enum CostsFile {
    public static func yaml(_ c: CostCalibration, files: [String]) -> String {
        var out = "# citus-sim calibrate: costs fitted to the lab's measurements\n"
        for f in files { out += "#   \(f)\n" }
        out += "# Each value is the fit; the comment gives its 95% confidence interval, the samples and what was fitted.\n"
        for (section, intro) in [("operations", "# Paste this section into a scenario to use these costs."),
                                 ("cluster", "# The executor's costs on the lab's one 2-core host, as its replays use them and as the model's defaults (ClusterSpec.fitted…); a search, so no interval."),
                                 ("measured", "# Fitted, but not used by the model yet (see README, \"The lab\").")] {
            let params = c.parameters.filter { $0.section == section }
            guard !params.isEmpty else { continue }
            out += "\(intro)\n\(section):\n"
            for p in params {
                let what = section == "cluster" ? "n = \(p.samples)" : "95% CI \(interval(p)), n = \(p.samples)"
                out += "  \(p.key.contains(" ") ? "# " : "")\(p.key): \(value(p))  # \(what); \(p.source)\n"
            }
        }
        return out
    }

    /// The value as the scenario key reads it: durations with `ms`, rates and sizes as numbers.
    static func value(_ p: FittedParameter) -> String {
        p.unit == "s" ? "\(NumberFormat.fixed(p.value * 1000, p.value > 0 && p.value < 0.001 ? 3 : 1))ms" : number(p.value)
    }

    /// The 95% interval in the value's own unit (durations in ms).
    public static func interval(_ p: FittedParameter) -> String {
        p.unit == "s" ? "\(NumberFormat.fixed(p.low * 1000, 1))…\(NumberFormat.fixed(p.high * 1000, 1)) ms" : "\(number(p.low))…\(number(p.high)) \(p.unit)"
    }

    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "∞" }
        return abs(v) >= 100 ? NumberFormat.fixed(v, 1) : NumberFormat.fixed(v, 4)
    }
}
