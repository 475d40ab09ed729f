//! Step 1: the launch rc2s6 compiled, in a custom `start()`, becomes `default_start`, so OpenRC
//! starts the daemon through its s6 backend.

use crate::core::source::Span;

use super::Subject;
use super::edit::{Rewriter, first_line};
use super::error::MigrateError;

/// Replaces the compiled launch with `default_start`; returns the launch's span, if it was
/// replaced. A launch in another file (a conf.d defining start()) is refused: migration rewrites
/// only the script.
pub fn replace(cx: &Subject, rw: &mut Rewriter) -> Option<Span> {
    let launch = cx.analysis.service.custom_launch?;
    if launch.file != cx.analysis.script_id() {
        rw.refuse(MigrateError::LaunchOutsideScript { span: first_line(rw.text).into() });
        return None;
    }
    let span = launch.span;
    let end = background_operator_end(rw.text, span.end).unwrap_or(span.end);
    rw.replace(Span::new(span.start, end), "default_start");
    Some(span)
}

/// The end of a `&` that sends the command ending at `end` to the background, if there is one.
fn background_operator_end(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let r = &rest[skipped..];
    (r.starts_with('&') && !r.starts_with("&&")).then_some(end + skipped + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_background_launch_loses_its_ampersand() {
        assert_eq!(background_operator_end("x &\n", 1), Some(3));
        assert_eq!(background_operator_end("x && y\n", 1), None);
        assert_eq!(background_operator_end("x\n", 1), None);
    }
}
