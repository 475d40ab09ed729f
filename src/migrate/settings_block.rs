//! Step 4: the block that selects s6, where the daemon's settings used to start: `supervisor=s6`
//! plus what the target OpenRC needs to find the service directory and wait for it.

use crate::core::diagnostic::Finding;
use crate::openrc::paths::default_service_path;
use crate::openrc::version::S6Backend;

use super::Subject;
use super::command_at_start::added_start;
use super::edit::{Rewriter, header_end};
use super::error::MigrateError;
use super::variables::AssignSite;

/// What the other steps decided the block must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// `command` stays for the script's own use (OpenRC 0.63+): the block does not empty it.
    pub command_kept: bool,
    /// The script has no start(): the block adds one that empties `command` for the s6 start.
    pub add_start: bool,
}

/// Where the block goes: at the first top-level assignment commented out, else below the header.
pub fn position(rw: &Rewriter, sites: &[AssignSite]) -> usize {
    let first_top = sites.iter().find(|s| !s.nested).map(|s| rw.line_start(s.span.start));
    first_top.unwrap_or_else(|| header_end(rw.text))
}

/// The block's text.
pub fn text(cx: &Subject, what: &Block) -> String {
    let mut block = format!(
        "# rc2s6: s6 runs the daemon from {}, compiled from this script and its conf.d (compile again after changing them)\n",
        cx.path
    );
    block.push_str("supervisor=s6\n");
    let notification_fd = cx.dir.file("notification-fd").map(|f| f.contents.trim().to_string());
    let timeout = cx.analysis.service.ready_timeout_ms;
    match cx.target.backend() {
        S6Backend::Generated => {
            // 0.63.1+ links /var/svc.d/$name only when `command` is empty at start. conf.d is
            // sourced before the script, so this assignment also overrides a `command` set there.
            if what.command_kept {
                block.push_str(&format!(
                    "# rc2s6: OpenRC {} uses {} only when `command` is empty as it starts the service; the script still uses `command`, so it is emptied for the start alone (`command=\"\" default_start`)\n",
                    cx.target, cx.path
                ));
                if what.add_start {
                    block.push_str(&added_start());
                }
            } else {
                block.push_str("command=\"\"\n");
            }
            // `name` from rc.conf or conf.d (sourced before the script) names the directory
            // 0.63 links (`name="${name:-${RC_SVCNAME}}"`, `_s6_set_variables`): rc2s6's is named
            // after RC_SVCNAME. The script's own assignment is commented out (step 3).
            if name_from_before_script(cx).is_some() {
                block.push_str("name=\"$RC_SVCNAME\"\n");
            }
            if let Some(fd) = &notification_fd {
                block.push_str(&format!("notify=fd:{fd}\n"));
                // OpenRC 0.63 waits for readiness only when timeout_ready is set; 0 waits forever.
                block.push_str(&format!("timeout_ready={}\n", timeout.unwrap_or(0)));
            }
        }
        S6Backend::Legacy => {
            // /var/svc.d/NAME is s6.sh's default, unless rc.conf or conf.d set the path: s6.sh
            // keeps their value, and the script's own assignments are commented out.
            let settings = &cx.analysis.service.settings_before_script;
            let set_before = settings.get("s6_service_path").is_some_and(|v| !v.value.is_empty());
            if cx.path != default_service_path(&cx.dir.name) || set_before {
                block.push_str(&format!("s6_service_path={}\n", shell_word(&cx.path)));
            }
            if notification_fd.is_some() {
                let opts = match timeout {
                    Some(ms) => format!("-U -t {ms}"),
                    None => "-U".to_string(),
                };
                // Plain flags and digits: double quotes read best and need no escaping.
                block.push_str(&format!("s6_svwait_options_start=\"{opts}\"\n"));
            }
        }
    }
    block
}

/// OpenRC 0.63+: the `name` rc.conf or conf.d set, when it is not the name of rc2s6's directory.
fn name_from_before_script<'a>(cx: &Subject<'a>) -> Option<&'a crate::model::Setting> {
    if !cx.target.generates_from_command() {
        return None;
    }
    cx.analysis.service.settings_before_script.get("name").filter(|v| !v.value.is_empty() && v.value != cx.dir.name)
}

/// The note, at the assignment in rc.conf or conf.d, that the migrated script overrides `name`.
pub fn name_overridden(cx: &Subject) -> Option<Finding> {
    let v = name_from_before_script(cx)?;
    let at = v.at?;
    let file = cx.analysis.find_source(at.file)?.clone();
    Some(Finding::new(
        Some(file),
        MigrateError::NameOverridden {
            version: cx.target.to_string(),
            value: v.value.clone(),
            service: cx.dir.name.clone(),
            span: at.span.into(),
        },
    ))
}

/// A value as one shell word: bare when plain, else in single quotes.
fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("/var/svc.d/x"), "/var/svc.d/x");
        assert_eq!(shell_word("-U -t 5"), "'-U -t 5'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
