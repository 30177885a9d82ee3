//! RFC 6962 / RFC 9162 Merkle trees over SHA-256.
//!
//! - empty root = SHA-256("")
//! - leaf hash  = SHA-256(0x00 ‖ data)            ([`LEAF_PREFIX`])
//! - node hash  = SHA-256(0x01 ‖ left ‖ right)    ([`NODE_PREFIX`])
//! - a tree of `n > 1` leaves splits at the largest power of two below `n`.
//!
//! [`MerkleTree`] keeps every leaf hash and the hashes of all complete,
//! aligned subtrees (at most one extra hash per leaf: 64 bytes of tree per
//! record), so roots, inclusion proofs and consistency proofs for any past
//! size take `O(log n)` hashes. [`verify_inclusion`] and
//! [`verify_consistency`] are the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms;
//! they compare in constant time and never panic.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Domain separator of leaf hashes.
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain separator of interior node hashes.
pub const NODE_PREFIX: u8 = 0x01;

/// `SHA-256(0x00 ‖ data)`.
#[must_use]
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree, `SHA-256("")`.
#[must_use]
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly less than `n` (`n ≥ 2`).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

fn invalid_proof() -> Error {
    Error::InvalidProof
}

/// An append-only Merkle tree of leaf hashes.
#[derive(Clone, Default, Debug)]
pub struct MerkleTree {
    /// `levels[k][i]` is the hash of the complete subtree of `2^k` leaves
    /// starting at leaf `i·2^k`; `levels[0]` are the leaf hashes.
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Whether the tree has no leaves.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a leaf hash; returns its index.
    pub fn push(&mut self, leaf: Hash) -> u64 {
        let index = self.len();
        let mut hash = leaf;
        let mut level = 0usize;
        loop {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            let Some(row) = self.levels.get_mut(level) else {
                return index;
            };
            row.push(hash);
            // A right child completes its parent.
            if row.len() % 2 == 1 {
                break;
            }
            let n = row.len();
            match (row.get(n - 2), row.get(n - 1)) {
                (Some(l), Some(r)) => hash = node_hash(l, r),
                _ => break,
            }
            level += 1;
        }
        index
    }

    /// Drops every leaf from `size` on (no-op when the tree is not larger),
    /// undoing [`MerkleTree::push`]es: a level-`k` row keeps the
    /// `size >> k` complete subtrees that lie wholly below `size`.
    pub(crate) fn truncate(&mut self, size: u64) {
        for (k, row) in self.levels.iter_mut().enumerate() {
            let keep = usize::try_from(size >> k.min(63)).unwrap_or(usize::MAX);
            row.truncate(keep);
        }
        while self.levels.last().is_some_and(Vec::is_empty) {
            self.levels.pop();
        }
    }

    /// The leaf hash at `index`.
    #[must_use]
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels
            .first()?
            .get(usize::try_from(index).ok()?)
            .copied()
    }

    /// `MTH(D[start:end])` for `0 ≤ start < end ≤ len`.
    fn subtree(&self, start: u64, end: u64) -> Hash {
        let n = end - start;
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let level = n.trailing_zeros() as usize;
            if let Some(h) = self
                .levels
                .get(level)
                .and_then(|row| row.get(usize::try_from(start >> level).ok()?))
            {
                return *h;
            }
        }
        if n <= 1 {
            // Unreachable for valid ranges: every leaf is at level 0.
            return [0u8; 32];
        }
        let k = split_point(n);
        node_hash(
            &self.subtree(start, start + k),
            &self.subtree(start + k, end),
        )
    }

    /// The root of the first `size` leaves.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `size > len`.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        if size > self.len() {
            return Err(Error::input(format!(
                "tree size {size} exceeds {}",
                self.len()
            )));
        }
        Ok(if size == 0 {
            empty_root()
        } else {
            self.subtree(0, size)
        })
    }

    /// The current root.
    #[must_use]
    pub fn root(&self) -> Hash {
        self.root_at(self.len()).unwrap_or_else(|_| empty_root())
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size`
    /// leaves (RFC 9162 §2.1.3.1).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `index < size ≤ len`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        if index >= size || size > self.len() {
            return Err(Error::input(format!(
                "need index < treeSize ≤ size of the log; got index {index}, treeSize {size}, size {}",
                self.len()
            )));
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof);
        Ok(proof)
    }

    fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) {
        let n = end - start;
        if n <= 1 {
            return;
        }
        let k = split_point(n);
        if m < k {
            self.path(m, start, start + k, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.path(m - k, start + k, end, out);
            out.push(self.subtree(start, start + k));
        }
    }

    /// The consistency proof between the trees of `old_size` and `new_size`
    /// leaves (RFC 9162 §2.1.4.1).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `0 < old_size ≤ new_size ≤ len`.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>> {
        if old_size == 0 || old_size > new_size || new_size > self.len() {
            return Err(Error::input(format!(
                "need 0 < oldSize ≤ newSize ≤ size of the log; got {old_size}, {new_size}, {}",
                self.len()
            )));
        }
        let mut proof = Vec::new();
        if old_size < new_size {
            self.subproof(old_size, 0, new_size, true, &mut proof);
        }
        Ok(proof)
    }

    fn subproof(&self, m: u64, start: u64, end: u64, complete: bool, out: &mut Vec<Hash>) {
        let n = end - start;
        if m == n {
            if !complete {
                out.push(self.subtree(start, end));
            }
            return;
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, start + k, complete, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.subtree(start, start + k));
        }
    }
}

fn ct_eq(a: &Hash, b: &Hash) -> bool {
    a.ct_eq(b).into()
}

/// Verifies that `leaf` is at `index` in the tree of `size` leaves with
/// `root` (RFC 9162 §2.1.3.2).
///
/// # Errors
/// [`Error::InvalidProof`] if the proof does not lead to `root`, has the
/// wrong length, or `index ≥ size`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    if index >= size {
        return Err(invalid_proof());
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(invalid_proof());
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn == 0 && ct_eq(&r, root) {
        Ok(())
    } else {
        Err(invalid_proof())
    }
}

/// Verifies that the tree of `old_size` leaves with `old_root` is a prefix
/// of the tree of `new_size` leaves with `new_root` (RFC 9162 §2.1.4.2).
///
/// # Errors
/// [`Error::InvalidProof`] if the proof does not verify or the sizes are
/// inconsistent (`old_size > new_size`, or `old_size == 0`).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<()> {
    if old_size == 0 || old_size > new_size {
        return Err(invalid_proof());
    }
    if old_size == new_size {
        return if proof.is_empty() && ct_eq(old_root, new_root) {
            Ok(())
        } else {
            Err(invalid_proof())
        };
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else {
        return Err(invalid_proof());
    };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if sn == 0 {
            return Err(invalid_proof());
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn == 0 && ct_eq(&fr, old_root) && ct_eq(&sr, new_root) {
        Ok(())
    } else {
        Err(invalid_proof())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 6962's reference test data (the eight leaves of REFERENCE §3).
    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];

    fn tree(n: usize) -> MerkleTree {
        let mut t = MerkleTree::new();
        for l in LEAVES.iter().take(n) {
            t.push(leaf_hash(&unhex(l)));
        }
        t
    }

    #[test]
    fn known_answer_root() {
        assert_eq!(
            hex(&tree(8).root()),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
        assert_eq!(
            hex(&MerkleTree::new().root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn all_proofs_up_to_eight() {
        let t = tree(8);
        for size in 1..=8u64 {
            let root = t.root_at(size).unwrap();
            for i in 0..size {
                let p = t.inclusion_proof(i, size).unwrap();
                verify_inclusion(&t.leaf(i).unwrap(), i, size, &p, &root).unwrap();
                assert!(
                    verify_inclusion(&t.leaf(i).unwrap(), i ^ 1, size, &p, &root).is_err()
                        || size == 1
                );
                assert!(verify_inclusion(
                    &t.leaf(i).unwrap(),
                    i,
                    size,
                    &p,
                    &t.root_at(size - 1).unwrap_or_default()
                )
                .is_err());
            }
            for old in 1..=size {
                let p = t.consistency_proof(old, size).unwrap();
                verify_consistency(old, size, &t.root_at(old).unwrap(), &root, &p).unwrap();
            }
        }
    }
}
