#![doc = include_str!("../../docs/codes/lint/duplicate_provide.md")]

use super::LintError;
use super::set_context::SetContext;
use crate::core::diagnostic::Finding;
use crate::openrc::system_services::ALTERNATIVE_VIRTUALS;

/// Fires at each `provide` of a name that is also a service of the set, and at each `provide` of
/// a name another script also provides unless it is a virtual meant to have alternatives.
pub fn check(cx: &SetContext, out: &mut Vec<Finding>) {
    for (name, providers) in cx.providers() {
        let is_a_service = providers.iter().any(|p| p.site.is_none());
        if providers.len() < 2 || (!is_a_service && ALTERNATIVE_VIRTUALS.contains(name)) {
            continue;
        }
        for p in providers {
            let Some(site) = p.site else { continue };
            let others: Vec<String> = providers
                .iter()
                .filter(|o| o.service != p.service)
                .map(|o| format!("`{}`", cx.services[o.service].name))
                .collect();
            out.push(cx.finding(
                p.service,
                site,
                LintError::DuplicateProvide {
                    name: name.to_string(),
                    service: cx.services[p.service].name.clone(),
                    others: others.join(", "),
                    span: cx.name_span(p.service, site, name),
                },
            ));
        }
    }
}
