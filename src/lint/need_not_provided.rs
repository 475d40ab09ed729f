#![doc = include_str!("../../docs/codes/lint/need_not_provided.md")]

use super::LintError;
use super::set_context::{SetContext, is_pattern};
use crate::core::diagnostic::Finding;
use crate::openrc::system_services::SYSTEM_SERVICES;

/// Fires once per `need` of a name that no script in the set provides and that is not one of
/// OpenRC's services or a common virtual.
pub fn check(cx: &SetContext, out: &mut Vec<Finding>) {
    let mut seen = std::collections::BTreeSet::new();
    for (service, kind, name, loc) in cx.sites() {
        if kind != "need" || is_pattern(name) || SYSTEM_SERVICES.contains(&name) {
            continue;
        }
        if !cx.providers_of(name).is_empty() || !seen.insert((service, name)) {
            continue;
        }
        out.push(cx.finding(
            service,
            loc,
            LintError::NeedNotProvided { name: name.to_string(), span: cx.name_span(service, loc, name) },
        ));
    }
}
