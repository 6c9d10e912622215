// Diagnostics (`Finding`, `InputError`) and the SQL runbook live in the Runbook target, which
// the simulation also needs; scenario users get them with `import Scenario`.
@_exported import Runbook
