//! Stored consent logs in storage format 2 (src/consent/commit.rs): the
//! input is length-prefixed blobs (`split_blobs`) in pairs, key then value,
//! put into a store that `commit::open_log` reads with the fixed storage
//! and device keys (the opener asks for the head slots, probes commits and
//! reads the segments a commit names). Property: typed errors only; a log
//! that opens has the fixed origin, rebuilds its tree (from the frontier
//! of a pruned prefix, if any), and saves again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::consent::commit;
use mpshield::flow::{MemoryStorage, Storage};
use mpshield_fuzz::{checked, init, split_blobs, ORIGIN};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let blobs = split_blobs(data);
    let mut storage = MemoryStorage::new();
    for pair in blobs.chunks(2) {
        let (Some(k), Some(v)) = (pair.first(), pair.get(1)) else {
            break;
        };
        let Ok(k) = std::str::from_utf8(k) else {
            continue;
        };
        storage.set(k, v).unwrap();
    }
    if let Some((log, mut committer)) = checked(commit::open_log(
        &mut storage,
        &f.storage_key,
        f.device.clone(),
        ORIGIN,
        None,
    )) {
        assert_eq!(log.origin(), ORIGIN);
        assert_eq!(log.records().len() as u64 + log.pruned(), log.size());
        assert_eq!(log.frontier().len(), log.pruned().count_ones() as usize);
        // What opened can be continued: a save over it succeeds (or is a
        // typed error, e.g. a foreign writer's generation), never a panic.
        let _ = checked(commit::save_sync(
            &mut committer,
            &mut storage,
            &log,
            &[],
            &f.storage_key,
        ));
    }
});
