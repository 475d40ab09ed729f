//! Static shell evaluation: values and what makes them inexact, variables and scopes, word
//! expansion, patterns, arithmetic, `test`, and the interpreter that runs a script's top level
//! and its functions both ways of every condition it cannot decide.

pub mod arithmetic;
pub mod at_start;
pub mod budget;
pub mod environment;
pub mod error;
pub mod expand;
mod globals;
pub mod interpreter;
mod name;
pub mod observer;
pub mod pattern;
pub mod status;
pub mod system_test;
pub mod test_expr;
pub mod value;
