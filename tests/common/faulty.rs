//! A key–value store that fails on purpose: operation number `at` (sets
//! and removes, counted from 0), or the first set whose key contains a
//! text, fails in one of the [`Mode`]s. The crash-safety tests of storage
//! format 2 (`tests/storage_commit.rs` for wallets, `tests/consent_gm.rs`
//! for logs of both suites) run a save with a fault at every operation.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use mpshield::error::{Error, Result};
use mpshield::flow::{MemoryStorage, Storage};

/// How the one faulty operation of a run fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Reports failure, stores nothing.
    Throws,
    /// Stores the first half of the value, then reports failure.
    PartialThrows,
    /// Stores the first half of the value and reports success (a lying
    /// adapter, or a crash after a torn write).
    PartialOk,
    /// Reports failure (a timeout) but the write lands later, after the
    /// test has gone on (possibly after a later save succeeded).
    Late,
    /// Reports success and stores nothing.
    Dropped,
}

pub const MODES: [Mode; 5] = [
    Mode::Throws,
    Mode::PartialThrows,
    Mode::PartialOk,
    Mode::Late,
    Mode::Dropped,
];

/// A store whose operation number `at` (sets and removes, counted from 0)
/// fails as `mode` says.
pub struct Faulty {
    pub inner: MemoryStorage,
    pub ops: usize,
    pub at: Option<usize>,
    pub mode: Mode,
    /// Faults by key: the first set whose key contains the text fails.
    pub faults: Vec<(&'static str, Mode)>,
    pub late: Vec<(String, Vec<u8>)>,
}

impl Faulty {
    pub fn new(inner: MemoryStorage) -> Self {
        Self {
            inner,
            ops: 0,
            at: None,
            mode: Mode::Throws,
            faults: Vec::new(),
            late: Vec::new(),
        }
    }

    /// The mode with which this operation on `key` fails, if it does.
    fn hit(&mut self, key: &str) -> Option<Mode> {
        let n = self.ops;
        self.ops += 1;
        if let Some(i) = self.faults.iter().position(|(k, _)| key.contains(k)) {
            return Some(self.faults.remove(i).1);
        }
        (self.at == Some(n)).then_some(self.mode)
    }

    /// The late writes land now.
    pub fn land(&mut self) {
        for (k, v) in std::mem::take(&mut self.late) {
            self.inner.set(&k, &v).unwrap();
        }
    }
}

pub fn failure() -> Error {
    Error::InvalidState {
        reason: "injected storage failure".into(),
    }
}

impl Storage for Faulty {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>> {
        self.inner.get(key)
    }
    fn set(&mut self, key: &str, value: &[u8]) -> Result<()> {
        let Some(mode) = self.hit(key) else {
            return self.inner.set(key, value);
        };
        let half = &value[..value.len() / 2];
        match mode {
            Mode::Throws => Err(failure()),
            Mode::PartialThrows => {
                self.inner.set(key, half)?;
                Err(failure())
            }
            Mode::PartialOk => self.inner.set(key, half),
            Mode::Late => {
                self.late.push((key.to_owned(), value.to_vec()));
                Err(failure())
            }
            Mode::Dropped => Ok(()),
        }
    }
    fn remove(&mut self, key: &str) -> Result<()> {
        if self.hit(key).is_some() {
            return Err(failure());
        }
        self.inner.remove(key)
    }
}
