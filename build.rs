//! The daemon tables shipped with rc2s6 (`data/*.yaml`) as JSON in the build's output: reading
//! 560 kB of YAML took about 110 million instructions at every start, before any script was
//! looked at (a third of linting a hundred scripts); the same data as JSON reads in a few
//! million. The YAML stays the source; `openrc::daemon_table` tests that both read the same.

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for name in ["daemons", "daemons-generated"] {
        let source = format!("data/{name}.yaml");
        println!("cargo::rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
        let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{source}: {e}"));
        std::fs::write(out.join(format!("{name}.json")), json).unwrap_or_else(|e| panic!("{name}.json: {e}"));
    }
}
