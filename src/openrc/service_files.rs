//! The files openrc-run loads with a script, in its order and with the role each plays, and how
//! it recognises a script it runs.

use crate::core::source::SourceFile;

/// The role a loaded file plays in openrc-run's load order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// /etc/rc.conf or /etc/rc.conf.d/*.conf.
    RcConf,
    /// `/etc/conf.d/<name>`.
    ConfD,
    /// The init script.
    Script,
}

/// A service's files, read.
#[derive(Debug, Clone)]
pub struct ServiceFiles {
    /// `RC_SVCNAME`.
    pub svcname: String,
    /// `RC_SERVICE`: where OpenRC runs the script from on the target, /etc/init.d/RC_SVCNAME
    /// (not where rc2s6 read it, which may be a package's build directory).
    pub service_path: String,
    /// The files in load order, the script last.
    pub files: Vec<(FileRole, SourceFile)>,
    /// Runlevel-specific conf.d files present beside the plain one: (path, runlevel).
    pub runlevel_confd: Vec<(String, String)>,
    /// Files that are not valid UTF-8: (index into `files`, offset of the first bad byte).
    pub not_utf8: Vec<(usize, usize)>,
    /// A conf.d file that others may not read: what is generated from it must not be readable
    /// by them either (conf.d files hold passwords and tokens).
    pub private: bool,
}

/// Runlevels OpenRC ships; a `conf.d/<svc>.<runlevel>` file replaces `conf.d/<svc>` there.
pub const RUNLEVELS: &[&str] = &["sysinit", "boot", "default", "nonetwork", "shutdown"];

/// Whether text starts with a shebang openrc-run handles: like OpenRC's gendepends, any path
/// ending in `/openrc-run` or the old `/runscript`, with or without a space after `#!`.
pub fn is_openrc_script(text: &str) -> bool {
    // The first line; a `\r` before its `\n` is whitespace, which ends the word anyway.
    let first = memchr::memchr(b'\n', text.as_bytes()).map_or(text, |i| &text[..i]);
    let Some(rest) = first.strip_prefix("#!") else { return false };
    let interp = first_word(rest);
    interp.ends_with("/openrc-run") || interp.ends_with("/runscript")
}

/// `text.split_whitespace().next()`, or `""`: byte by byte while the text is ASCII (a shebang
/// line nearly always is), where the iterator decoded and classified each character.
fn first_word(text: &str) -> &str {
    // `char::is_whitespace` on ASCII: tab, newline, vertical tab, form feed, carriage return, space.
    let blank = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let b = text.as_bytes();
    let mut start = 0;
    while start < b.len() && b[start].is_ascii() && blank(b[start]) {
        start += 1;
    }
    let mut end = start;
    while end < b.len() && b[end].is_ascii() && !blank(b[end]) {
        end += 1;
    }
    if end < b.len() && !b[end].is_ascii() {
        // Other whitespace may be there: the characters decide.
        return text.split_whitespace().next().unwrap_or("");
    }
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::{first_word, is_openrc_script};

    /// The word is the one `split_whitespace` gives, whatever whitespace or other characters
    /// are around it.
    #[test]
    fn the_first_word_is_split_whitespace_s() {
        let pieces = ["", " ", "\t", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{2003}", "\u{85}", "\u{1c}", "a", "/é", "-x"];
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}"))).collect();
            texts.extend(longer);
        }
        for t in &texts {
            assert_eq!(first_word(t), t.split_whitespace().next().unwrap_or(""), "{t:?}");
        }
    }

    #[test]
    fn shebangs_openrc_run_handles() {
        for (text, is) in [
            ("#!/sbin/openrc-run\n", true),
            ("#! /sbin/openrc-run\r\necho", true),
            ("#!/sbin/runscript", true),
            ("#!/usr/bin/openrc-run -x\n", true),
            ("#!/bin/sh\n#!/sbin/openrc-run\n", false),
            ("\n#!/sbin/openrc-run\n", false),
            ("#!/sbin/openrc-run\u{a0}x\n", true),
            ("#!/sbin/openrc-runx\n", false),
            ("", false),
        ] {
            assert_eq!(is_openrc_script(text), is, "{text:?}");
        }
    }
}
