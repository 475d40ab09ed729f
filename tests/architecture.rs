//! The layering ARCHITECTURE.md describes, checked on the source: each top-level module of the
//! library imports only from the layers below it, so no stage reaches back into a later one and
//! no two modules import each other. A new `use` that breaks this fails here, naming the file.

use std::collections::BTreeMap;
use std::path::Path;

/// Each module of the library and the modules it may import from.
const LAYERS: &[(&str, &[&str])] = &[
    ("core", &[]),
    ("openrc", &["core"]),
    ("shell", &["core"]),
    ("eval", &["core", "shell"]),
    ("model", &["core", "openrc", "shell", "eval"]),
    ("backend", &["core", "openrc", "model"]),
    ("manifest", &["core", "openrc", "model", "backend"]),
    ("migrate", &["core", "openrc", "shell", "eval", "model", "backend"]),
    ("dependency_graph", &["core", "openrc", "model"]),
    ("lint", &["core", "openrc", "shell", "eval", "model", "dependency_graph"]),
    ("verify", &["core", "openrc", "shell", "eval", "model", "backend", "manifest"]),
    ("report", &["core"]),
    (
        "pipeline",
        &[
            "core",
            "openrc",
            "shell",
            "eval",
            "model",
            "backend",
            "manifest",
            "migrate",
            "dependency_graph",
            "lint",
            "verify",
            "report",
        ],
    ),
    ("write", &["core", "openrc", "model", "backend", "manifest", "pipeline"]),
    ("codes", &["core", "shell", "eval", "model", "backend", "migrate", "lint", "verify", "pipeline", "write"]),
];

/// The library modules a file refers to as `crate::X`, outside comments and string literals
/// (diagnostic code names such as `"rc2s6::model::…"` name phases, not modules).
fn crate_references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let tail = &rest[at + "crate::".len()..];
            let name: String = tail.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            rest = &tail[name.len()..];
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn every_layer_imports_only_from_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut violations = Vec::new();
    let mut seen_layers = 0;
    for (layer, may_use) in LAYERS {
        let root = src.join(layer);
        let files: Vec<_> = if root.is_dir() {
            walkdir::WalkDir::new(&root)
                .into_iter()
                .map(|e| e.expect("src/ is readable").into_path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect()
        } else {
            vec![src.join(format!("{layer}.rs"))]
        };
        seen_layers += 1;
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source is readable");
            for used in crate_references(&text) {
                if used == *layer || may_use.contains(&used.as_str()) {
                    continue;
                }
                assert!(allowed.contains_key(used.as_str()), "{}: `crate::{used}` is no layer", file.display());
                violations.push(format!("{}: {layer} imports {used}", file.strip_prefix(&src).unwrap().display()));
            }
        }
    }
    assert_eq!(seen_layers, LAYERS.len());
    assert!(violations.is_empty(), "imports that reach up or sideways:\n{}", violations.join("\n"));
}

#[test]
fn every_library_module_has_a_layer() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let modules: Vec<&str> =
        lib.lines().filter_map(|l| l.strip_prefix("pub mod ")).map(|m| m.trim_end_matches(';')).collect();
    assert!(modules.len() >= 10, "lib.rs lists {} modules; is the scan broken?", modules.len());
    for m in modules {
        assert!(LAYERS.iter().any(|(l, _)| *l == m), "`{m}` is in lib.rs but has no place in LAYERS");
    }
}

#[test]
fn the_scan_sees_references() {
    let found = crate_references("use crate::model::Loc; // crate::write\nlet x = \"a\"; crate::core::x()");
    assert_eq!(found, ["model", "core"]);
}
