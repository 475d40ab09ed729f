//! How a fuzzer's bytes become rc2s6 inputs, and the properties every result must have. Shared by
//! the cargo-fuzz targets (`fuzz/`), the crasher regression tests and the property tests, so a
//! crasher found by one replays the same way in the others.
#![allow(dead_code)]

mod run_argv;

use rc2s6::backend::Backend;
use rc2s6::backend::execline;
use rc2s6::manifest::Manifest;
use rc2s6::model::ModelOptions;
use rc2s6::openrc::service_files::FileRole;
use rc2s6::openrc::service_files::ServiceFiles;
use rc2s6::openrc::version::OpenrcVersion;
use rc2s6::pipeline::compile::{self, CompileOptions};
use rc2s6::pipeline::input::{InputOptions, decode_source};
use rc2s6::report::render_human;

/// Separates the parts of a pipeline input. 0xFF never occurs in UTF-8, so every part can still
/// hold any text (and any invalid UTF-8 but this byte).
pub const SEPARATOR: u8 = 0xFF;

/// Parses bytes as a whole script and as an `eval` line, and renders what was found.
pub fn check_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for outcome in [rc2s6::shell::parse::parse_script(&text), rc2s6::shell::parse::parse_command_line(&text)] {
        let src = rc2s6::core::source::SourceFile::new("fuzz", text.as_ref());
        let findings: Vec<_> =
            outcome.errors.into_iter().map(|e| rc2s6::core::diagnostic::Finding::new(Some(src.clone()), e)).collect();
        for f in &findings {
            let _ = f.position();
        }
        let _ = render_human(&findings, false);
    }
}

/// The service a pipeline input describes: `svcname 0xFF script [0xFF conf.d [0xFF rc.conf]]`.
pub fn service_files(data: &[u8]) -> ServiceFiles {
    let mut parts = data.split(|b| *b == SEPARATOR);
    let svcname = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let script = parts.next().unwrap_or_default().to_vec();
    let confd = parts.next().map(<[u8]>::to_vec);
    let rc_conf = parts.next().map(<[u8]>::to_vec);
    let mut files = Vec::new();
    let mut not_utf8 = Vec::new();
    for (role, name, bytes) in [
        (FileRole::RcConf, "/etc/rc.conf", rc_conf),
        (FileRole::ConfD, "/etc/conf.d/svc", confd),
        (FileRole::Script, "/etc/init.d/svc", Some(script)),
    ] {
        let Some(bytes) = bytes else { continue };
        let (src, bad) = decode_source(name.to_string(), bytes);
        if let Some(at) = bad {
            not_utf8.push((files.len(), at));
        }
        files.push((role, src));
    }
    ServiceFiles {
        svcname,
        service_path: "/etc/init.d/svc".into(),
        files,
        runlevel_confd: Vec::new(),
        not_utf8,
        private: false,
    }
}

/// The options every pipeline check compiles with.
pub fn options() -> CompileOptions {
    CompileOptions {
        input: InputOptions::default(),
        model: ModelOptions::default(),
        backend: Backend::default(),
        target: OpenrcVersion::legacy_default(),
        output: "/var/svc.d".into(),
        keep_syntax_trees: false,
    }
}

/// Compiles one service from fuzz bytes and checks what every compile must guarantee: no panic,
/// service directories whose names and paths stay inside the output directory, execline scripts
/// that lex the way rc2s6 meant with the daemon's argv intact, a manifest that reads back equal,
/// and diagnostics that render.
pub fn check_pipeline(data: &[u8]) {
    let opts = options();
    let compiled = compile::compile_files(service_files(data), &opts);
    for f in compiled.findings() {
        let _ = f.position();
    }
    let _ = render_human(compiled.findings(), false);
    if let Some(dir) = &compiled.dir {
        assert!(rc2s6::backend::service_dir::invalid_name(&dir.name).is_none(), "bad directory name {:?}", dir.name);
        for f in &dir.files {
            assert!(
                !f.path.is_empty()
                    && !f.path.starts_with('/')
                    && f.path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."),
                "file path {:?} leaves the service directory",
                f.path
            );
            if f.contents.starts_with("#!") {
                let body = f.contents.split_once('\n').map(|x| x.1).unwrap_or("");
                let words = execline::tokenize(body)
                    .unwrap_or_else(|e| panic!("{}/{} does not lex ({e}):\n{}", dir.name, f.path, f.contents));
                if f.path == "run" {
                    let daemon = compiled
                        .analysis
                        .as_deref()
                        .expect("compile keeps each analysis")
                        .service
                        .daemon
                        .as_ref()
                        .expect("a directory has a daemon");
                    let tail = run_argv::expected_tail(&words, &daemon.argv, &daemon.env);
                    assert!(words.ends_with(&tail), "run ends with {words:?}, not the argv {:?}", daemon.argv);
                }
            }
        }
    }
    let manifest = Manifest::new(&opts.target, &opts.output, vec![compiled.record.clone()]);
    let yaml = manifest.to_yaml();
    let back = Manifest::from_yaml(&yaml).unwrap_or_else(|e| panic!("the manifest does not read back: {e}\n{yaml}"));
    assert_eq!(back, manifest, "the manifest changed through YAML");
}
