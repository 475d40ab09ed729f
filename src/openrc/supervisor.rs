//! Which backend OpenRC's `default_start` calls, from the `supervisor` variable.

/// The backend `default_start`/`default_stop` dispatch to (`openrc-run.sh`: `s6`, `runit`,
/// `supervise-daemon`; anything else non-empty warns "Invalid supervisor" and falls back to
/// start-stop-daemon, as the empty value does silently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supervisor {
    /// Unset, empty, or a value OpenRC does not know.
    StartStopDaemon,
    /// `supervise-daemon`.
    SuperviseDaemon,
    /// `s6`.
    S6,
    /// `runit`.
    Runit,
    /// Only known at run time.
    Unknown,
}

impl Supervisor {
    /// The backend a known value of `supervisor` selects.
    pub fn from_value(text: &str) -> Self {
        match text {
            "supervise-daemon" => Supervisor::SuperviseDaemon,
            "s6" => Supervisor::S6,
            "runit" => Supervisor::Runit,
            _ => Supervisor::StartStopDaemon,
        }
    }

    /// The value as written in `supervisor=`.
    pub fn name(self) -> &'static str {
        match self {
            Supervisor::StartStopDaemon => "start-stop-daemon",
            Supervisor::SuperviseDaemon => "supervise-daemon",
            Supervisor::S6 => "s6",
            Supervisor::Runit => "runit",
            Supervisor::Unknown => "?",
        }
    }
}
