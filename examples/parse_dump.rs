//! Prints the parser's whole result (tree, non-POSIX constructs, errors) for every file under the
//! given directories, and with `--mutants` for damaged copies of each (truncated, a quote or
//! keyword deleted, a parenthesis or quote inserted): `diff` the output of two builds to see what
//! a change to the grammar or the tree builder did; `--hash` prints a hash of each result instead,
//! to find the ones that differ. Usage: parse_dump [--mutants] [--hash] DIR...
use std::io::Write as _;

fn floor(t: &[u8], mut i: usize) -> usize {
    i = i.min(t.len());
    while i > 0 && i < t.len() && (t[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

/// Damaged copies of a script, each with one syntax error (or none) somewhere in the middle.
fn mutants(t: &[u8]) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for k in [3, 2] {
        v.push(t[..floor(t, t.len() * (k - 1) / k)].to_vec());
    }
    for pat in ["\"", "'", ")", "}", "fi", "done", "esac", ";;", "$(", "${", "do", "then", "<<"] {
        let pat = pat.as_bytes();
        let idx: Vec<usize> =
            (0..t.len().saturating_sub(pat.len() - 1)).filter(|&i| &t[i..i + pat.len()] == pat).collect();
        let mut keep = Vec::new();
        let mut last_end = 0;
        for &i in &idx {
            if i >= last_end {
                keep.push(i);
                last_end = i + pat.len();
            }
        }
        if let Some(&i) = keep.get(keep.len() / 2) {
            v.push([&t[..i], &t[i + pat.len()..]].concat());
        }
    }
    let i = floor(t, t.len() / 2);
    v.push([&t[..i], b"(", &t[i..]].concat());
    v.push([&t[..i], b"\"", &t[i..]].concat());
    v
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let with_mutants = args.iter().any(|a| a == "--mutants");
    let hash = args.iter().any(|a| a == "--hash");
    let mut files = Vec::new();
    for d in args.iter().filter(|a| !a.starts_with("--")) {
        let mut v: Vec<_> = std::fs::read_dir(d).expect("a directory").map(|e| e.expect("an entry").path()).collect();
        v.sort();
        files.extend(v);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for f in files {
        let bytes = std::fs::read(&f).expect("readable");
        let inputs = if with_mutants { mutants(&bytes) } else { vec![bytes] };
        for (k, b) in inputs.iter().enumerate() {
            let text = String::from_utf8_lossy(b);
            let outcome = rc2s6::shell::parse::parse_script(&text);
            let shown = format!("{:#?}\n{:#?}", outcome.errors, outcome.script);
            if hash {
                let mut h = std::hash::DefaultHasher::new();
                std::hash::Hash::hash(&shown, &mut h);
                writeln!(out, "{}#{k} {:016x}", f.display(), std::hash::Hasher::finish(&h)).expect("stdout");
            } else {
                writeln!(out, "== {}#{k}\n{shown}", f.display()).expect("stdout");
            }
        }
    }
}
