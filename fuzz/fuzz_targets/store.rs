//! Stored consent logs (src/consent/store.rs), thin on purpose while the
//! storage format is redesigned: the input is length-prefixed blobs
//! (`split_blobs`), the manifest first, then the data segments in the order
//! `segment_keys(manifest)` names them; `from_segments` loads them with the
//! fixed storage and device keys.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use mpshield::consent::store::{self, MANIFEST_KEY};
use mpshield_fuzz::{checked, init, split_blobs, ORIGIN};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let blobs = split_blobs(data);
    let Some((manifest, segments)) = blobs.split_first() else {
        return;
    };
    // A map, not a search: a manifest may name up to MAX_SEGMENTS keys.
    let keys: HashMap<String, usize> = checked(store::segment_keys(manifest))
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let get = |k: &str| -> Option<Vec<u8>> {
        if k == MANIFEST_KEY {
            return Some(manifest.to_vec());
        }
        segments.get(*keys.get(k)?).map(|s| s.to_vec())
    };
    if let Some(log) = checked(store::from_segments(
        get,
        &f.storage_key,
        f.device.clone(),
        ORIGIN,
        None,
    )) {
        assert_eq!(log.origin(), ORIGIN);
        assert_eq!(log.records().len() as u64, log.size());
    }
});
