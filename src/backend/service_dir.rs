//! An s6 service directory in memory: its name and files, ready to be written or compared.

use serde::Serialize;

/// The manifest's file name inside the output directory, which no service directory may take.
pub const MANIFEST_NAME: &str = "rc2s6.manifest.yaml";

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneratedFile {
    /// Path inside the service directory, `/`-separated (`run`, `log/run`).
    pub path: String,
    /// Permission bits.
    pub mode: u32,
    /// Contents.
    pub contents: String,
}

/// A service directory: `<out>/<name>/…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDir {
    /// The directory name (RC_SVCNAME).
    pub name: String,
    /// Files, sorted by path.
    pub files: Vec<GeneratedFile>,
}

impl ServiceDir {
    /// Takes every permission from group and others: for a service whose conf.d they may not
    /// read, since `run` and `log/run` carry its values. s6-supervise runs them as root.
    pub fn private(mut self) -> Self {
        for f in &mut self.files {
            f.mode &= 0o700;
        }
        self
    }

    /// A service directory with these files, sorted.
    pub fn new(name: &str, mut files: Vec<GeneratedFile>) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        ServiceDir { name: name.to_string(), files }
    }

    /// The file at `path`, if generated.
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Subdirectories the files need (`log`), sorted.
    pub fn dirs(&self) -> Vec<String> {
        let mut d: Vec<String> =
            self.files.iter().filter_map(|f| f.path.rsplit_once('/').map(|(dir, _)| dir.to_string())).collect();
        d.sort();
        d.dedup();
        d
    }
}

/// Why a name cannot be a service directory: `None` if it can.
pub fn invalid_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name == "." || name == ".." {
        Some("it names a directory itself")
    } else if name.contains('/') {
        Some("it contains `/`")
    } else if name == MANIFEST_NAME {
        Some("it is the name of rc2s6's manifest in the output directory")
    } else if name.starts_with('.') {
        Some("s6-svscan ignores names that start with `.`")
    } else if name.chars().any(|c| c.is_control()) {
        Some("it contains a control character")
    } else if name.len() > 251 {
        Some("it is longer than s6-svscan's 251-byte limit")
    } else {
        None
    }
}
