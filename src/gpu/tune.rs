//! Choices measured on this adapter (which kernel variant is fastest for a shape), kept for the
//! process and on disk in the user's cache directory, so each shape is measured once per
//! adapter and driver. The cache is advisory: a missing, corrupt or stale file, or a directory
//! that cannot be written, only means measuring again.
//!
//! `PAINTFLOW_AUTOTUNE`: `on` (default) measures and caches; `nocache` measures in every run and
//! leaves the disk alone; `off` measures nothing (each caller then takes its default).
//! `PAINTFLOW_CACHE_DIR` overrides the cache directory (default `$XDG_CACHE_HOME/paintflow` or
//! `~/.cache/paintflow`).
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// How measured choices are made and kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Autotune {
    On,
    NoCache,
    Off,
}

impl Autotune {
    /// From `PAINTFLOW_AUTOTUNE`; an unknown value is an error naming the variable.
    pub fn from_env() -> Result<Autotune> {
        match std::env::var("PAINTFLOW_AUTOTUNE").as_deref() {
            Err(_) | Ok("on") | Ok("1") => Ok(Autotune::On),
            Ok("nocache") => Ok(Autotune::NoCache),
            Ok("off") | Ok("0") => Ok(Autotune::Off),
            Ok(v) => Err(Error::Invalid(format!("PAINTFLOW_AUTOTUNE={v}: expected on, nocache or off"))),
        }
    }
}

/// Bumped whenever a kernel changes enough that old measurements no longer hold.
const FORMAT: u32 = 1;

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct CacheFile {
    format: u32,
    /// "adapter | driver | paintflow version, kernels hash | what" -> the choice
    entries: BTreeMap<String, String>,
}

/// The measured choices of one device.
pub struct TuneCache {
    pub mode: Autotune,
    /// The cache file, when the disk is used.
    pub path: Option<PathBuf>,
    /// Prefix of this adapter's keys: adapter, driver, paintflow version and kernels hash.
    prefix: String,
    entries: BTreeMap<String, String>,
    loaded: bool,
}

/// The directory measured choices are cached in.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("PAINTFLOW_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("paintflow"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("paintflow"))
}

/// How candidates are measured (conv::time_variant): part of the key, so that choices made by
/// an earlier, noisier measurement are measured again.
const MEASUREMENT: &str = "warm-up, best of 3, candidates without uniform";

/// A hash of every shader's source and of [`MEASUREMENT`] (FNV-1a): a choice measured on other
/// kernels, or measured another way, is stale even within one paintflow version.
fn kernels_hash() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let sources = super::Shader::ALL.map(|s| s.source());
    for text in std::iter::once(MEASUREMENT).chain(sources) {
        for b in text.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The entries of the cache file at `path`; None when it is missing, corrupt or of another
/// format (it is then measured over and rewritten).
fn read_entries(path: &std::path::Path) -> Option<BTreeMap<String, String>> {
    let f = serde_json::from_str::<CacheFile>(&std::fs::read_to_string(path).ok()?).ok()?;
    (f.format == FORMAT).then_some(f.entries)
}

impl TuneCache {
    /// For the adapter `info`, caching in [`cache_dir`].
    pub fn new(mode: Autotune, info: &wgpu::AdapterInfo) -> TuneCache {
        let path = (mode == Autotune::On).then(|| cache_dir().map(|d| d.join("autotune.json"))).flatten();
        let adapter = format!("{} | {} {}", info.name, info.driver, info.driver_info);
        TuneCache::at(mode, path, &adapter)
    }

    /// For an adapter described by `adapter` (name and driver), caching in the file `path`.
    pub fn at(mode: Autotune, path: Option<PathBuf>, adapter: &str) -> TuneCache {
        let prefix = format!("{adapter} | {} kernels {:016x} |", env!("CARGO_PKG_VERSION"), kernels_hash());
        TuneCache { mode, path: path.filter(|_| mode == Autotune::On), prefix, entries: BTreeMap::new(), loaded: false }
    }

    fn load(&mut self) {
        if self.loaded {
            return;
        }
        self.loaded = true;
        if let Some(entries) = self.path.as_deref().and_then(read_entries) {
            self.entries = entries;
        }
    }

    /// Keep `value`, just measured for `key`, unless another process sharing the file measured
    /// the key first: then adopt that one. Every process then runs the same kernel for a shape
    /// (two kernels round differently, so frames that segments, a resumed run or a concurrent
    /// job paint must agree on it). The file is read and written under an exclusive lock on
    /// a sibling `.lock` file; without one (an unwritable directory) the measured value is kept.
    fn commit(&mut self, key: String, value: String) -> String {
        let Some(path) = self.path.clone() else {
            self.entries.insert(key, value.clone());
            return value;
        };
        let lock = path.parent().and_then(|d| std::fs::create_dir_all(d).ok()).and_then(|_| {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path.with_extension("lock"))
                .ok()?;
            file.lock().ok().map(|_| file)
        });
        let mut entries = read_entries(&path).unwrap_or_default();
        // other processes' entries join ours; for this key the first measured wins
        let value = entries.entry(key.clone()).or_insert(value).clone();
        for (k, v) in &self.entries {
            entries.entry(k.clone()).or_insert_with(|| v.clone());
        }
        self.entries.extend(entries.iter().map(|(k, v)| (k.clone(), v.clone())));
        let file = CacheFile { format: FORMAT, entries };
        if let Ok(text) = serde_json::to_string_pretty(&file) {
            // best effort: an unwritable cache leaves the run working
            let _ = crate::files::write_atomic(&path, |tmp| std::fs::write(tmp, text));
        }
        drop(lock);
        value
    }

    /// The cached choice for `what` on this adapter, else `measure()`'s (kept when it gives one).
    pub fn get_or_measure(&mut self, what: &str, measure: impl FnOnce() -> Option<String>) -> Option<String> {
        if self.mode == Autotune::Off {
            return None;
        }
        self.load();
        let key = format!("{} {what}", self.prefix);
        if let Some(v) = self.entries.get(&key) {
            return Some(v.clone());
        }
        let v = measure()?;
        Some(self.commit(key, v))
    }

    /// This adapter's cached choices: (what, choice).
    pub fn choices(&mut self) -> Vec<(String, String)> {
        self.load();
        let prefix = format!("{} ", self.prefix);
        self.entries.iter().filter_map(|(k, v)| k.strip_prefix(&prefix).map(|w| (w.to_string(), v.clone()))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("paintflow-tune-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn measures_once_and_reads_back_from_disk() {
        let path = dir("once").join("autotune.json");
        let calls = Cell::new(0);
        let measure = || {
            calls.set(calls.get() + 1);
            Some("tiled".to_string())
        };
        let mut c = TuneCache::at(Autotune::On, Some(path.clone()), "gpu A | driver 1");
        assert_eq!(c.get_or_measure("conv 3->64", measure), Some("tiled".into()));
        assert_eq!(c.get_or_measure("conv 3->64", measure), Some("tiled".into()));
        assert_eq!(calls.get(), 1, "a second lookup measures again");
        let mut again = TuneCache::at(Autotune::On, Some(path.clone()), "gpu A | driver 1");
        assert_eq!(again.get_or_measure("conv 3->64", || None), Some("tiled".into()), "not read back from {path:?}");
        assert_eq!(again.choices(), vec![("conv 3->64".to_string(), "tiled".to_string())]);
        // another driver's (stale) entries are not used
        let mut other = TuneCache::at(Autotune::On, Some(path.clone()), "gpu A | driver 2");
        assert_eq!(other.get_or_measure("conv 3->64", || Some("storage".into())), Some("storage".into()));
        assert_eq!(calls.get(), 1);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn the_first_process_to_measure_a_shape_decides_for_all() {
        let path = dir("first").join("autotune.json");
        // both start before either has measured (loaded an empty cache)
        let mut a = TuneCache::at(Autotune::On, Some(path.clone()), "gpu");
        let mut b = TuneCache::at(Autotune::On, Some(path.clone()), "gpu");
        assert_eq!(a.get_or_measure("other", || Some("uniform".into())), Some("uniform".into()));
        assert_eq!(b.get_or_measure("y", || Some("b-only".into())), Some("b-only".into()));
        assert_eq!(a.get_or_measure("x", || Some("tiled".into())), Some("tiled".into()));
        // b measured "x" too, with another result: it takes a's, which was kept first
        assert_eq!(b.get_or_measure("x", || Some("storage".into())), Some("tiled".into()));
        let mut c = TuneCache::at(Autotune::On, Some(path.clone()), "gpu");
        let want: Vec<(String, String)> =
            [("other", "uniform"), ("x", "tiled"), ("y", "b-only")].map(|(k, v)| (k.into(), v.into())).to_vec();
        assert_eq!(c.choices(), want, "every process's entries kept");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_corrupt_file_is_measured_over() {
        let path = dir("corrupt").join("autotune.json");
        for junk in ["{ not json", "", "{\"format\": 999, \"entries\": {}}", "[1, 2, 3]"] {
            std::fs::write(&path, junk).unwrap();
            let mut c = TuneCache::at(Autotune::On, Some(path.clone()), "gpu");
            assert_eq!(c.get_or_measure("x", || Some("uniform".into())), Some("uniform".into()), "after {junk:?}");
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(serde_json::from_str::<CacheFile>(&text).is_ok(), "the file was not rewritten after {junk:?}");
        }
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn an_unwritable_directory_and_the_off_switches_leave_it_working() {
        // a path below a regular file cannot be created (even by root)
        let file = dir("unwritable").join("plain-file");
        std::fs::write(&file, "x").unwrap();
        let mut c = TuneCache::at(Autotune::On, Some(file.join("sub").join("autotune.json")), "gpu");
        assert_eq!(c.get_or_measure("x", || Some("tiled".into())), Some("tiled".into()));
        assert_eq!(c.get_or_measure("x", || None), Some("tiled".into()), "kept in memory");
        let mut off = TuneCache::at(Autotune::Off, None, "gpu");
        assert_eq!(off.get_or_measure("x", || panic!("measured with autotuning off")), None);
        let path = dir("nocache").join("autotune.json");
        let mut nocache = TuneCache::at(Autotune::NoCache, Some(path.clone()), "gpu");
        assert_eq!(nocache.get_or_measure("x", || Some("a".into())), Some("a".into()));
        assert!(!path.exists(), "nocache wrote {path:?}");
        for d in [file.parent().unwrap(), path.parent().unwrap()] {
            std::fs::remove_dir_all(d).unwrap();
        }
    }
}
