//! The consent log's Merkle tree against `ct-merkle`, an independent RFC 6962
//! implementation: equal roots, and every inclusion and consistency proof up
//! to 64 leaves verified in both directions; plus tamper cases.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use mpshield::consent::merkle::{self, Hash, MerkleTree};
use sha2::Sha256;

const MAX: usize = 64;

fn data(i: usize) -> Vec<u8> {
    format!("record {i}").into_bytes()
}

fn trees(n: usize) -> (MerkleTree, MemoryBackedTree<Sha256, Vec<u8>>) {
    let mut ours = MerkleTree::new();
    let mut theirs = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    for i in 0..n {
        ours.push(merkle::leaf_hash(&data(i)));
        theirs.push(data(i));
    }
    (ours, theirs)
}

fn flatten(p: &[Hash]) -> Vec<u8> {
    p.concat()
}

fn split(bytes: &[u8]) -> Vec<Hash> {
    bytes.chunks(32).map(|c| c.try_into().unwrap()).collect()
}

#[test]
fn roots_and_inclusion_proofs_agree_both_ways() {
    for size in 1..=MAX {
        let (ours, theirs) = trees(size);
        let root = ours.root();
        assert_eq!(
            root.as_slice(),
            theirs.root().as_bytes().as_slice(),
            "root of {size}"
        );
        let their_root = RootHash::<Sha256>::new(*theirs.root().as_bytes(), size as u64);
        for i in 0..size {
            let leaf = merkle::leaf_hash(&data(i));
            // Ours → theirs.
            let p = ours.inclusion_proof(i as u64, size as u64).unwrap();
            let proof = InclusionProof::<Sha256>::from_bytes(flatten(&p));
            their_root
                .verify_inclusion(&data(i), i as u64, &proof)
                .unwrap();
            // Theirs → ours.
            let tp = theirs.prove_inclusion(i);
            merkle::verify_inclusion(&leaf, i as u64, size as u64, &split(tp.as_bytes()), &root)
                .unwrap();
            // Wrong leaf.
            let other = merkle::leaf_hash(b"not in the log");
            assert_eq!(
                merkle::verify_inclusion(&other, i as u64, size as u64, &p, &root)
                    .unwrap_err()
                    .code(),
                "INVALID_PROOF"
            );
        }
    }
}

#[test]
fn consistency_proofs_agree_both_ways() {
    let (full, _) = trees(MAX);
    for new in 1..=MAX {
        let (_, theirs) = trees(new);
        let new_root = full.root_at(new as u64).unwrap();
        let their_new = RootHash::<Sha256>::new(new_root.into(), new as u64);
        for old in 1..=new {
            let old_root = full.root_at(old as u64).unwrap();
            let p = full.consistency_proof(old as u64, new as u64).unwrap();
            merkle::verify_consistency(old as u64, new as u64, &old_root, &new_root, &p).unwrap();
            if old < new {
                let their_old = RootHash::<Sha256>::new(old_root.into(), old as u64);
                let proof = ConsistencyProof::<Sha256>::try_from_bytes(flatten(&p)).unwrap();
                their_new.verify_consistency(&their_old, &proof).unwrap();
                let tp = theirs.prove_consistency(new - old);
                merkle::verify_consistency(
                    old as u64,
                    new as u64,
                    &old_root,
                    &new_root,
                    &split(tp.as_bytes()),
                )
                .unwrap();
            }
        }
    }
}

#[test]
fn tampered_proofs_are_rejected() {
    let (t, _) = trees(37);
    let root = t.root();
    for i in [0u64, 1, 17, 31, 32, 36] {
        let leaf = t.leaf(i).unwrap();
        let proof = t.inclusion_proof(i, 37).unwrap();
        for j in 0..proof.len() {
            for bit in [0usize, 77, 255] {
                let mut bad = proof.clone();
                bad[j][bit / 8] ^= 1 << (bit % 8);
                assert!(merkle::verify_inclusion(&leaf, i, 37, &bad, &root).is_err());
            }
        }
        // Truncated, extended, reordered proofs; wrong root; wrong index.
        assert!(merkle::verify_inclusion(&leaf, i, 37, &proof[..proof.len() - 1], &root).is_err());
        let mut longer = proof.clone();
        longer.push([0u8; 32]);
        assert!(merkle::verify_inclusion(&leaf, i, 37, &longer, &root).is_err());
        let mut swapped = proof.clone();
        swapped.swap(0, 1);
        assert!(merkle::verify_inclusion(&leaf, i, 37, &swapped, &root).is_err());
        assert!(merkle::verify_inclusion(&leaf, i, 37, &proof, &t.root_at(36).unwrap()).is_err());
        assert!(merkle::verify_inclusion(&leaf, 37, 37, &proof, &root).is_err());
    }
    let p = t.consistency_proof(20, 37).unwrap();
    let (r20, r37) = (t.root_at(20).unwrap(), t.root_at(37).unwrap());
    // Swapped roots, wrong sizes, trailing garbage, a flipped bit.
    assert!(merkle::verify_consistency(20, 37, &r37, &r20, &p).is_err());
    assert!(merkle::verify_consistency(21, 37, &r20, &r37, &p).is_err());
    assert!(merkle::verify_consistency(37, 20, &r20, &r37, &p).is_err());
    assert!(merkle::verify_consistency(0, 37, &r20, &r37, &p).is_err());
    let mut extra = p.clone();
    extra.push([7u8; 32]);
    assert!(merkle::verify_consistency(20, 37, &r20, &r37, &extra).is_err());
    let mut flipped = p.clone();
    flipped[0][0] ^= 0x80;
    assert!(merkle::verify_consistency(20, 37, &r20, &r37, &flipped).is_err());
    assert!(merkle::verify_consistency(37, 37, &r37, &r37, &[]).is_ok());
    assert!(merkle::verify_consistency(37, 37, &r37, &r20, &[]).is_err());
}
