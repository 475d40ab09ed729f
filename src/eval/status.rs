//! A command's exit status as far as it can be known statically.

/// The exit status of a command, as far as it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit status 0.
    True,
    /// A non-zero exit status.
    False,
    /// Only known at run time.
    Unknown,
}

/// The status of `! command`.
impl std::ops::Not for Status {
    type Output = Status;

    fn not(self) -> Status {
        match self {
            Status::True => Status::False,
            Status::False => Status::True,
            Status::Unknown => Status::Unknown,
        }
    }
}

impl Status {
    /// `True` for `true`, `False` for `false`.
    pub(crate) fn from_bool(b: bool) -> Status {
        if b { Status::True } else { Status::False }
    }
}
