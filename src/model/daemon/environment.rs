//! The daemon's environment: what openrc-run exports to every daemon, the variables the files
//! export, then `--env` of the start-stop-daemon options.

use super::context::Context;
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::eval::value::ShellValue;

/// openrc-run exports these to every daemon it starts.
const SERVICE_VARIABLES: &[&str] = &["RC_SERVICE", "RC_SVCNAME", "SVCNAME"];

/// The variables, sorted by name, each once; refused when an exported value cannot be known.
/// OpenRC's own variables are the same for every target today; where a release differs, this
/// step reads `cx.options.target`.
pub fn environment(cx: &mut Context, flags: &DaemonFlags) -> Result<Vec<(String, String)>, Refused> {
    let mut result = Ok(());
    let mut vars: Vec<(String, String)> = Vec::new();
    for n in SERVICE_VARIABLES {
        if let Some(v) = cx.var(n) {
            vars.push((n.to_string(), v.value.text));
        }
    }
    let exported: Vec<(String, ShellValue)> = cx
        .globals()
        .filter(|(n, v)| v.exported && !n.starts_with("RC_") && n.as_str() != "SVCNAME")
        .map(|(n, v)| (n.clone(), v.value.clone()))
        .collect();
    for (n, v) in exported {
        match cx.check(&n, &v) {
            Ok(()) => vars.push((n, v.text)),
            Err(refused) => result = Err(refused),
        }
    }
    for (k, v) in &flags.env {
        vars.retain(|(n, _)| n != k);
        vars.push((k.clone(), v.clone()));
    }
    vars.sort();
    vars.dedup_by(|a, b| a.0 == b.0);
    result.map(|()| vars)
}
