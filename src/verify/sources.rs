//! The files OpenRC reads with the script now (conf.d, rc.conf) against the ones the service
//! directory was compiled from, as the manifest records them (role, path, SHA-256).
//!
//! start-stop-daemon reads conf.d at every start; a compiled service directory holds what
//! conf.d said when rc2s6 ran, and OpenRC 0.63.3's own generator keeps its cached directory too
//! (its `conffile` test never names a real file, sh/s6.sh `_s6_servicedir_creation_needed`).
//! So an edited, added or removed conf.d or rc.conf means the daemon does not run what the
//! files say until rc2s6 compiles again. The script itself is left out: the one OpenRC runs is
//! the migrated one, which differs from the original by design (a new original from a package
//! upgrade shows as `rc2s6::verify::not_s6` or `command_set` instead).

use super::ServiceFindings;
use super::error::{SourceChange, VerifyError};
use crate::core::source::{FileId, Span};
use crate::manifest::{ServiceRecord, role_name, sha256_hex};
use crate::model::Loc;
use crate::openrc::service_files::FileRole;

/// Reports each conf.d or rc.conf that differs from what `record` was compiled from.
pub fn check_sources(f: &mut ServiceFindings, record: &ServiceRecord, servicedir: &str) {
    let a = f.analysis;
    let recorded: Vec<(&str, &str, &str)> = record
        .sources
        .iter()
        .filter(|s| s.role != role_name(FileRole::Script))
        .map(|s| (s.role.as_str(), s.path.as_str(), s.sha256.as_str()))
        .collect();
    let loaded: Vec<(usize, &'static str, String, String)> = a
        .sources_with_roles()
        .into_iter()
        .enumerate()
        .filter(|(_, (role, _))| *role != FileRole::Script)
        .map(|(i, (role, s))| (i, role_name(role), s.name().to_string(), sha256_hex(s.text().as_bytes())))
        .collect();
    for (i, role, path, sha) in &loaded {
        if recorded.iter().any(|(r, _, s)| r == role && s == sha) {
            continue;
        }
        let change = if recorded.iter().any(|(r, p, _)| r == role && p == path) {
            SourceChange::Edited
        } else {
            SourceChange::New
        };
        let text = a.source(FileId::new(*i)).text();
        let first_line = Span::new(0, text.find('\n').unwrap_or(text.len()));
        let loc = Loc { file: FileId::new(*i), span: first_line };
        f.at(Some(loc), |span| VerifyError::SourceChanged {
            path: path.clone(),
            change,
            servicedir: servicedir.to_string(),
            span,
        });
    }
    for (role, path, sha) in &recorded {
        let still_read = loaded.iter().any(|(_, r, p, s)| r == role && (p == path || s == sha));
        if !still_read {
            f.about_script(VerifyError::SourceGone {
                path: path.to_string(),
                role: role.to_string(),
                servicedir: servicedir.to_string(),
            });
        }
    }
}
