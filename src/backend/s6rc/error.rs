//! What the s6-rc backend refuses or warns about, each located where the script (or the
//! runlevel, or the option) says what cannot be carried over. Each code's explanation is
//! `docs/codes/s6rc/<name>.md`.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, define_codes};

define_codes! {
    /// Every code of [`S6RcError`], in the `s6rc` phase.
    CODES in s6rc {
        BAD_NAME = bad_name: Error,
        NAME_TAKEN = name_taken: Error,
        NEED_UNMET = need_unmet: Error,
        SEVERAL_PROVIDERS = several_providers: Warning,
        PROVIDER_CHOICE = provider_choice: Error,
        DEPENDENCY_CYCLE = dependency_cycle: Error,
        OPENRC_COMMAND = openrc_command: Error,
        RUNLEVEL_ENTRY = runlevel_entry: Warning,
        DEPENDENCY_DROPPED = dependency_dropped: Warning,
    }
}

/// Why a service, a dependency or a runlevel entry does not become part of the s6-rc tree.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum S6RcError {
    /// The service's name, or a name derived from it, is not one s6-rc-compile accepts.
    #[error("`{name}` cannot be an s6-rc service name: {why}")]
    #[diagnostic(help("{help}"))]
    BadName {
        /// The name.
        name: String,
        /// Why not.
        why: String,
        /// What to do.
        help: String,
        /// The script's first line.
        #[label("this service")]
        span: SourceSpan,
    },

    /// A definition rc2s6 would write for the service has the name of another service, virtual
    /// or runlevel of the tree.
    #[error("the {role} of `{service}` would be named `{name}`, which is already {other}")]
    #[diagnostic(help("rename one of the two init scripts (or the runlevel); s6-rc needs one definition per name"))]
    NameTaken {
        /// The service.
        service: String,
        /// What the definition is (its logger, the oneshot running start_pre …).
        role: String,
        /// The name.
        name: String,
        /// What else has it.
        other: String,
        /// The script's first line.
        #[label("this service")]
        span: SourceSpan,
    },

    /// `need` names something the tree does not have: s6-rc-compile would refuse an undefined
    /// name, and OpenRC would refuse to start the service.
    #[error("`{service}` needs `{name}`, {why}")]
    #[diagnostic(help("{help}"))]
    NeedUnmet {
        /// The service that needs it.
        service: String,
        /// What it needs.
        name: String,
        /// Why the tree does not have it.
        why: String,
        /// What to do.
        help: String,
        /// The name in the `need` declaration.
        #[label("needed here")]
        span: SourceSpan,
    },

    /// Several services of the tree provide a name and none was chosen.
    #[error("`{name}` is provided by {providers}; rc2s6 makes no `{name}` bundle until one is chosen")]
    #[diagnostic(help("choose one with `--provider {name}=SERVICE`; s6-rc would otherwise start them all"))]
    SeveralProviders {
        /// The virtual name.
        name: String,
        /// Every provider, quoted.
        providers: String,
        /// The name in this service's `provide`.
        #[label("one of the providers")]
        span: SourceSpan,
    },

    /// `--provider NAME=SERVICE` names a service that does not provide NAME in this tree.
    #[error("--provider {name}={service}: {why}")]
    #[diagnostic(help("{help}"))]
    ProviderChoice {
        /// The virtual name.
        name: String,
        /// The service chosen.
        service: String,
        /// What is wrong.
        why: String,
        /// What to do.
        help: String,
    },

    /// The dependencies rc2s6 would write form a cycle, which s6-rc-compile refuses.
    #[error("dependency cycle: {cycle}")]
    #[diagnostic(help(
        "s6-rc starts a dependency before what depends on it, so a cycle can never start; remove one of these declarations ({edge} is here)"
    ))]
    DependencyCycle {
        /// The cycle in words.
        cycle: String,
        /// This declaration in words.
        edge: String,
        /// The name in the declaration.
        #[label("part of the cycle")]
        span: SourceSpan,
    },

    /// A function the s6-rc tree runs calls a program or function that only OpenRC has.
    #[error("`{command}` is {what}, which does not exist once s6-rc runs the service")]
    #[diagnostic(help("{help}"))]
    OpenrcCommand {
        /// The command.
        command: String,
        /// What it is.
        what: String,
        /// What to do.
        help: String,
        /// The call.
        #[label("called here")]
        span: SourceSpan,
    },

    /// A runlevel lists a name the tree does not have.
    #[error("runlevel `{runlevel}` lists `{name}`, {why}; the `{runlevel}` bundle leaves it out")]
    #[diagnostic(help("{help}"))]
    RunlevelEntry {
        /// The runlevel.
        runlevel: String,
        /// The entry.
        name: String,
        /// Why the tree does not have it.
        why: String,
        /// What to do.
        help: String,
        /// The entry in the runlevel's listing.
        #[label("this entry")]
        span: SourceSpan,
    },

    /// A dependency rc2s6 cannot carry over exactly: declared under a condition rc2s6 cannot
    /// decide, or naming what only the running system knows.
    #[error("`{kind} {name}` {why}; {outcome}")]
    #[diagnostic(help("{help}"))]
    DependencyDropped {
        /// `need`, `use`, …
        kind: String,
        /// The name.
        name: String,
        /// What makes it inexact.
        why: String,
        /// What rc2s6 did.
        outcome: String,
        /// What to do.
        help: String,
        /// The declaration.
        #[label("declared here")]
        span: SourceSpan,
    },
}

impl Coded for S6RcError {
    fn code(&self) -> &'static Code {
        match self {
            S6RcError::BadName { .. } => &BAD_NAME,
            S6RcError::NameTaken { .. } => &NAME_TAKEN,
            S6RcError::NeedUnmet { .. } => &NEED_UNMET,
            S6RcError::SeveralProviders { .. } => &SEVERAL_PROVIDERS,
            S6RcError::ProviderChoice { .. } => &PROVIDER_CHOICE,
            S6RcError::DependencyCycle { .. } => &DEPENDENCY_CYCLE,
            S6RcError::OpenrcCommand { .. } => &OPENRC_COMMAND,
            S6RcError::RunlevelEntry { .. } => &RUNLEVEL_ENTRY,
            S6RcError::DependencyDropped { .. } => &DEPENDENCY_DROPPED,
        }
    }
}
