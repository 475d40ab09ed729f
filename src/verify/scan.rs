//! What OpenRC links into the scan directory: a usable link name that no other service takes,
//! the service's own link there, and the entries no given script accounts for.

use super::error::{CollisionEffect, EntryKind, ForeignEntry, VerifyError};
use super::tree::{ScanKind, ScanSnapshot};
use super::{Expected, ServiceFindings, SetView, VerifyOptions, World, openrc_generated, rc2s6_dir, same_path};
use crate::backend::service_dir::invalid_name;
use crate::core::diagnostic::Finding;

/// The `i`-th service's link name: one s6-svscan accepts, and no other service's.
pub fn check_link_name(f: &mut ServiceFindings, e: &Expected, i: usize, set: &SetView) {
    let target = &set.opts.target;
    if let Some(why) = invalid_name(&e.link) {
        f.at(e.decided_at, |span| VerifyError::BadLinkName { link: e.link.clone(), why: why.into(), span });
    }
    for &j in set.by_link.get(e.link.as_str()).into_iter().flatten() {
        if j == i {
            continue;
        }
        let other = &set.expectations[j];
        let version = target.to_string();
        let effect = if same_path(&e.servicedir, &other.servicedir) {
            CollisionEffect::Shared { dir: e.servicedir.clone(), setting: target.link_setting() }
        } else if target.links_with_ln() {
            CollisionEffect::NestedLink { version }
        } else {
            CollisionEffect::SvlinkFails { version }
        };
        f.at(e.decided_at, |span| VerifyError::LinkCollision {
            link: e.link.clone(),
            first: e.script.clone(),
            second: other.script.clone(),
            effect,
            span,
        });
    }
}

/// The service's own link in the scan directory.
pub fn check_link(f: &mut ServiceFindings, e: &Expected, scan: &ScanSnapshot, world: &World, opts: &VerifyOptions) {
    let link = format!("{}/{}", scan.dir.trim_end_matches('/'), e.link);
    let Some(entry) = scan.entries.iter().find(|x| x.name == e.link) else {
        f.about_script(VerifyError::NotLinked { link, expected: e.servicedir.clone() });
        return;
    };
    let services =
        format!("{}/s6-services/", scan.dir.trim_end_matches('/').rsplit_once('/').map(|x| x.0).unwrap_or(""));
    match &entry.kind {
        ScanKind::Link { target, resolved: None } => {
            f.about_script(VerifyError::DanglingLink { link, target: target.clone() })
        }
        ScanKind::Link { target, resolved: Some(resolved) } => {
            let openrc_made = opts.target.generates_from_command()
                && (target.starts_with(&services) || resolved.starts_with(&services));
            if openrc_made {
                let ours = rc2s6_dir(opts, &e.service);
                f.about_script(VerifyError::OpenrcGeneratedInUse {
                    link: link.clone(),
                    target: target.clone(),
                    ours: ours.clone(),
                });
                if let (Some(theirs), Some(ours)) = (world.dirs.get(target.as_str()), world.dirs.get(&ours)) {
                    for d in openrc_generated::compare(theirs, ours, &e.service, &opts.target) {
                        f.about_script(d);
                    }
                }
                return;
            }
            let canonical = world.dirs.get(&e.servicedir).and_then(|d| d.canonical.as_deref());
            if !same_path(target, &e.servicedir) && canonical != Some(resolved.as_str()) {
                f.about_script(VerifyError::LinkWrongTarget {
                    link,
                    actual: target.clone(),
                    expected: e.servicedir.clone(),
                });
            }
        }
        ScanKind::Dir | ScanKind::File | ScanKind::Other => {
            let kind = entry_kind(&entry.kind);
            f.about_script(VerifyError::LinkNotSymlink { link, kind, expected: e.servicedir.clone() })
        }
    }
}

/// What a scan directory entry that is not a link is.
fn entry_kind(kind: &ScanKind) -> EntryKind {
    match kind {
        ScanKind::Dir => EntryKind::Directory,
        ScanKind::File => EntryKind::File,
        ScanKind::Link { .. } | ScanKind::Other => EntryKind::Special,
    }
}

/// Entries of the scan directory no given script accounts for.
pub fn check_scan(expectations: &[Expected], scan: &ScanSnapshot, world: &World, opts: &VerifyOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let out_dir = format!("{}/", opts.output.trim_end_matches('/'));
    for entry in &scan.entries {
        // s6-svscan's own control directory and OpenRC 0.63's catch-all logger.
        if entry.name.starts_with('.') || entry.name == "s6-svscan-log" {
            continue;
        }
        if expectations.iter().any(|e| e.link == entry.name) {
            continue;
        }
        let link = format!("{}/{}", scan.dir.trim_end_matches('/'), entry.name);
        let err = match &entry.kind {
            ScanKind::Link { target, resolved: None } => VerifyError::DanglingLink { link, target: target.clone() },
            ScanKind::Link { target, resolved: Some(_) } => {
                let rc2s6s = target.starts_with(&out_dir)
                    && world.manifest.as_ref().is_some_and(|m| {
                        let name = target[out_dir.len()..].trim_end_matches('/');
                        m.services.iter().any(|r| r.servicedir.as_deref() == Some(name))
                    });
                if rc2s6s {
                    VerifyError::LinkNotChecked { link, target: target.clone() }
                } else {
                    VerifyError::ForeignLink { link, entry: ForeignEntry::Link(target.clone()) }
                }
            }
            kind => VerifyError::ForeignLink { link, entry: ForeignEntry::Other(entry_kind(kind)) },
        };
        out.push(Finding::new(None, err));
    }
    out
}
