//! A function OpenRC runs at each start that edits the files rc2s6 read (alpine/minio's
//! start_pre() writes random credentials into its conf.d with `sed -i`): the service directory
//! holds the values from before the edit, OpenRC's next start the values after it.

use super::error::{ModelDiagnostic, ModelError};
use super::lexical_path::resolve;
use super::service::Service;
use super::trace::{StartEvent, Trace};
use crate::eval::environment::Environment;

/// Reports each in-place edit in `function`'s trace of a file openrc-run reads the service's
/// values from, or of a file only known when it runs.
pub fn report(service: &mut Service, env: &Environment, function: &str, trace: &Trace) {
    // Worked out at the first edit: nearly no function edits a file, and these paths are
    // made with several allocations each.
    let mut sources: Option<Vec<String>> = None;
    for e in &trace.events {
        let StartEvent::Edit { files, loc, .. } = e else { continue };
        let sources = sources.get_or_insert_with(|| self::sources(env));
        let edited = files.iter().find_map(|(path, uncertain)| {
            if !uncertain.is_empty() {
                Some("a file named only at run time, which may be one rc2s6 read".to_string())
            } else {
                let path = resolve(path);
                sources.contains(&path).then(|| format!("`{path}`, which rc2s6 read"))
            }
        });
        if let Some(what) = edited {
            let error = ModelError::StartEditsConfiguration { function: function.into(), what, span: loc.span.into() };
            service.diagnostics.push(ModelDiagnostic { file: loc.file, error });
        }
    }
}

/// The files openrc-run reads the service's values from where the script is installed:
/// `../conf.d/${RC_SVCNAME%%.*}` and `../conf.d/$RC_SVCNAME` beside its directory, rc.conf and
/// the script itself (sh/openrc-run.sh.in at 0.45.2 and 0.63.3: `_conf_d=${RC_SERVICE%/*}/../conf.d`).
fn sources(env: &Environment) -> Vec<String> {
    let get = |n: &str| env.get(n).map(|v| v.value.text.clone()).unwrap_or_default();
    let (service, name) = (get("RC_SERVICE"), get("RC_SVCNAME"));
    let init_dir = service.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default();
    let confd = resolve(&format!("{init_dir}/../conf.d"));
    let base = name.split('.').next().unwrap_or(&name).to_string();
    vec![format!("{confd}/{base}"), format!("{confd}/{name}"), "/etc/rc.conf".to_string(), resolve(&service)]
}
