//! A manifest read back from disk for a run over an existing output, kept as text with an
//! index of its records, each record parsed when the writer asks for it. serde_yaml parses a
//! document into a list of all its events before building anything: the 6 MB manifest of
//! 5,000 services peaked at over 60 MB of live heap, and the records built from it held 15 MB
//! for the whole run. A record at a time, the run holds the index, and the text stays in the
//! file (read again, and checked to be what was read, when a record is asked for).

use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt as _;

use sha2::{Digest as _, Sha256};

use super::{Manifest, ServiceRecord};

/// A manifest as stored: its header, and each record's text.
#[derive(Debug)]
pub struct StoredManifest {
    /// The header (version, target, output, backend, daemon tables), with no records.
    pub header: Manifest,
    /// The records' texts, each a YAML sequence of the one record.
    texts: Texts,
    /// Where the records' part starts in the file the text was read from, when the text is
    /// the file's own (not a hand-edited manifest parsed whole and written out again).
    base: Option<u64>,
    /// The records, in the manifest's order.
    records: Vec<StoredRecord>,
    /// Indexes into `records`, sorted by name (stably: the first of a name given twice first).
    by_name: Vec<usize>,
}

/// Where the records' texts are.
#[derive(Debug)]
enum Texts {
    /// In memory.
    Held(String),
    /// In the file they were read from (at `base`), each checked against its digest when read.
    OnDisk(File),
}

/// Where one record is in the text, and what the writer asks of every record at once.
#[derive(Debug, Clone)]
struct StoredRecord {
    name: String,
    bundle: bool,
    private: bool,
    range: Range<usize>,
    /// SHA-256 of its text, once the text is left on disk.
    digest: Option<[u8; 32]>,
}

impl StoredManifest {
    /// Reads a manifest. The text rc2s6 writes is parsed a record at a time; any other text
    /// that is a manifest (edited by hand: flow style, comments at the left margin, anchors
    /// across records) is parsed whole, as before.
    pub fn from_yaml(text: String) -> Result<Self, String> {
        Self::from_yaml_checked(text, |_| Ok(()))
    }

    /// [`StoredManifest::from_yaml`], with `check` run on every record in order as it is
    /// parsed (one parse of each record for both): its first refusal is the error, unless the
    /// text does not parse at all, which is said first as before.
    pub fn from_yaml_checked(
        text: String,
        mut check: impl FnMut(&ServiceRecord) -> Result<(), String>,
    ) -> Result<Self, String> {
        match by_record(text, &mut check) {
            Ok(stored) => stored,
            Err(text) => {
                let m = Manifest::from_yaml(&text)?;
                m.services.iter().try_for_each(&mut check)?;
                Ok(StoredManifest::from_manifest(&m))
            }
        }
    }

    /// The same manifest, stored.
    pub fn from_manifest(m: &Manifest) -> Self {
        let mut text = String::new();
        let mut records = Vec::with_capacity(m.services.len());
        for r in &m.services {
            let start = text.len();
            text.push_str(&serde_yaml::to_string(std::slice::from_ref(r)).expect("the manifest is plain data"));
            records.push(StoredRecord::of(r, start..text.len()));
        }
        StoredManifest::new(m.with_services(Vec::new()), text, None, records)
    }

    fn new(header: Manifest, text: String, base: Option<u64>, records: Vec<StoredRecord>) -> Self {
        let mut by_name: Vec<usize> = (0..records.len()).collect();
        by_name.sort_by(|&a, &b| records[a].name.cmp(&records[b].name));
        StoredManifest { header, texts: Texts::Held(text), base, records, by_name }
    }

    /// Lets the records' texts go from memory when they are `file`'s own (the file this text
    /// was read from, still open): each is read again from there when asked for, and refused
    /// if it is not what was read.
    pub fn leave_on_disk(&mut self, file: File) {
        let Texts::Held(text) = &self.texts else { return };
        if self.base.is_none() {
            return;
        }
        for r in &mut self.records {
            r.digest = Some(Sha256::digest(&text.as_bytes()[r.range.clone()]).into());
        }
        self.texts = Texts::OnDisk(file);
    }

    /// The record of the service `name` (the first, if a hand edit gave it twice), parsed now.
    pub fn service(&self, name: &str) -> Result<Option<ServiceRecord>, String> {
        let at = self.by_name.partition_point(|&i| self.records[i].name.as_str() < name);
        match self.by_name.get(at).filter(|&&i| self.records[i].name == name) {
            Some(&i) => self.record(i).map(Some),
            None => Ok(None),
        }
    }

    /// Every record, parsed now, in the manifest's order.
    pub fn services(&self) -> impl Iterator<Item = Result<ServiceRecord, String>> + '_ {
        (0..self.records.len()).map(|i| self.record(i))
    }

    /// The whole manifest, every record parsed.
    pub fn to_manifest(&self) -> Result<Manifest, String> {
        let mut m = self.header.clone();
        m.services = self.services().collect::<Result<_, _>>()?;
        Ok(m)
    }

    /// The names of the bundles it records, in its order.
    pub fn bundles(&self) -> impl Iterator<Item = &str> {
        self.records.iter().filter(|r| r.bundle).map(|r| r.name.as_str())
    }

    /// Whether a record is of a service whose inputs others may not read.
    pub fn any_private(&self) -> bool {
        self.records.iter().any(|r| r.private)
    }

    /// Record `i`: it parsed when the manifest was read, so it parses again unless the file
    /// changed since.
    fn record(&self, i: usize) -> Result<ServiceRecord, String> {
        let r = &self.records[i];
        let changed = || format!("it changed while rc2s6 ran (the record of `{}`)", r.name);
        match &self.texts {
            Texts::Held(text) => parse_one(&text[r.range.clone()]).ok_or_else(changed),
            Texts::OnDisk(file) => {
                let mut bytes = vec![0; r.range.len()];
                let at = self.base.unwrap_or_default() + r.range.start as u64;
                file.read_exact_at(&mut bytes, at).map_err(|e| format!("cannot read it again: {e}"))?;
                if r.digest != Some(Sha256::digest(&bytes).into()) {
                    return Err(changed());
                }
                std::str::from_utf8(&bytes).ok().and_then(parse_one).ok_or_else(changed)
            }
        }
    }
}

impl StoredRecord {
    fn of(r: &ServiceRecord, range: Range<usize>) -> Self {
        StoredRecord { name: r.name.clone(), bundle: r.kind == "bundle", private: r.private, range, digest: None }
    }
}

/// The one record of a sequence of one.
fn parse_one(text: &str) -> Option<ServiceRecord> {
    let mut v: Vec<ServiceRecord> = serde_yaml::from_str(text).ok()?;
    if v.len() == 1 { v.pop() } else { None }
}

/// The manifest in the layout serde_yaml writes, split into its header and one text per
/// record: the line `services:` at the left margin, then only lines that start a record
/// (`- ` at the left margin), lines inside one (indented) or empty lines (in a block scalar).
/// `None` for any other layout, and when the header or a record does not parse alone: a line
/// at the left margin inside a quoted or flow scalar, or an alias of an anchor in another
/// record, leaves a piece that does not parse. What parses piece by piece is what the whole
/// parses into: each piece ends where a line at the left margin ends every block. The text is
/// given back when it does not split.
fn by_record(
    mut text: String,
    check: &mut impl FnMut(&ServiceRecord) -> Result<(), String>,
) -> Result<Result<StoredManifest, String>, String> {
    match split(&text, check) {
        Some(Err(refused)) => Ok(Err(refused)),
        Some(Ok((first, header, mut records))) => {
            // Only the records' part is kept: the header is parsed.
            text.drain(..first);
            for r in &mut records {
                r.range = r.range.start - first..r.range.end - first;
            }
            Ok(Ok(StoredManifest::new(header, text, Some(first as u64), records)))
        }
        None => Err(text),
    }
}

/// What [`split`] finds: where the records start, the header, and the records.
type Split = (usize, Manifest, Vec<StoredRecord>);

/// Where the records start, the header, and the records, for [`by_record`], or the first
/// record `check` refuses (once every record parsed).
fn split(text: &str, check: &mut impl FnMut(&ServiceRecord) -> Result<(), String>) -> Option<Result<Split, String>> {
    const KEY: &str = "services:\n";
    let at = if text.starts_with(KEY) { 0 } else { text.find(&format!("\n{KEY}"))? + 1 };
    let first = at + KEY.len();
    let mut starts = Vec::new();
    let mut pos = first;
    for line in text[first..].split_inclusive('\n') {
        if line.starts_with("- ") {
            starts.push(pos);
        } else if !(line.starts_with(' ') || line == "\n") {
            return None;
        }
        pos += line.len();
    }
    if starts.first() != Some(&first) {
        return None;
    }
    let header = Manifest::from_yaml(&format!("{}services: []\n", &text[..at])).ok()?;
    let mut records = Vec::with_capacity(starts.len());
    let mut refused = None;
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(text.len());
        let r = parse_one(&text[start..end])?;
        if refused.is_none() {
            refused = check(&r).err();
        }
        records.push(StoredRecord::of(&r, start..end));
    }
    Some(match refused {
        Some(why) => Err(why),
        None => Ok((first, header, records)),
    })
}

#[cfg(test)]
mod tests;
