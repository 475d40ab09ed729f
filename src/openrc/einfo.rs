//! OpenRC's einfo programs: the messages init scripts print while they work.

/// The einfo programs that only print a message, a status or an indentation change
/// (`src/einfo/meson.build`'s `einfo_execs` at 0.63.3 without `esyslog`, `eval_ecolors` and
/// `ewaitfile`, which log, define variables or wait; 0.45.2's `/lib/rc/bin` has the same ones).
pub const MESSAGE_PROGRAMS: &[&str] = &[
    "ebegin",
    "eend",
    "ewend",
    "einfo",
    "einfon",
    "ewarn",
    "ewarnn",
    "eerror",
    "eerrorn",
    "eindent",
    "eoutdent",
    "veinfo",
    "vewarn",
    "vebegin",
    "veend",
    "vewend",
    "veindent",
    "veoutdent",
];
