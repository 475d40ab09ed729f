//! The bottom layer: loaded source text with byte spans, and findings about it. Knows nothing of
//! shell, OpenRC or s6.

pub mod byte_chunks;
pub mod diagnostic;
pub mod did_you_mean;
pub mod dir;
pub mod file_name;
pub mod parallel;
pub mod regular_file;
pub mod small_map;
pub mod source;
pub mod strongly_connected;
pub mod umask;
