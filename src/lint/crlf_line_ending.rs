#![doc = include_str!("../../docs/codes/lint/crlf_line_ending.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::core::source::FileId;
use crate::openrc::service_files::FileRole;

/// Fires once per script or conf.d file that has a carriage return before a newline.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    for (i, f) in cx.analysis.files.iter().enumerate() {
        let i = FileId::new(i);
        if cx.role(i) == FileRole::RcConf {
            continue;
        }
        if let Some(at) = f.source.text().find("\r\n") {
            out.push(cx.finding(i, LintError::CrlfLineEnding { span: (at, 1).into() }));
        }
    }
}
