//! RFC 6962 / RFC 9162 Merkle trees over the suite's hash: SHA-256
//! (`intl`) or SM3 (`gm`), one code path with the hash chosen by [`Suite`].
//!
//! - empty root = H("")
//! - leaf hash  = H(0x00 ‖ data)            ([`LEAF_PREFIX`])
//! - node hash  = H(0x01 ‖ left ‖ right)    ([`NODE_PREFIX`])
//! - a tree of `n > 1` leaves splits at the largest power of two below `n`.
//!
//! The functions without a suite ([`leaf_hash`], [`verify_inclusion`], …)
//! are the SHA-256 ones (`intl`, RFC 6962 as written); their `_with` twins
//! take the suite. A log's tree uses its device key's suite.
//!
//! [`MerkleTree`] keeps every leaf hash and the hashes of all complete,
//! aligned subtrees (at most one extra hash per leaf: 64 bytes of tree per
//! record), so roots, inclusion proofs and consistency proofs for any past
//! size take `O(log n)` hashes. [`verify_inclusion`] and
//! [`verify_consistency`] are the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms;
//! they compare in constant time and never panic.
//!
//! A tree may be **pruned** below a size `p` ([`MerkleTree::prune`]): it
//! then keeps only the *frontier* of its first `p` leaves — the hashes of
//! the maximal complete subtrees that cover them, one per set bit of `p`
//! (at most 64, [`MAX_FRONTIER`]) — and everything from leaf `p` on. That is
//! enough for the root of every size `≥ p`, the inclusion proof of every
//! leaf `≥ p` and the consistency proof from every size `≥ p`; anything
//! that needs a pruned hash is refused ([`Error::InvalidInput`]), never
//! answered wrongly.

use sha2::{Digest, Sha256};
use sm3::Sm3;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::suite::Suite;

/// A 32-byte digest (SHA-256 or SM3).
pub type Hash = [u8; 32];

/// Domain separator of leaf hashes.
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain separator of interior node hashes.
pub const NODE_PREFIX: u8 = 0x01;

/// The suite's hash of the concatenation of `parts`.
fn hash(suite: Suite, parts: &[&[u8]]) -> Hash {
    match suite {
        Suite::Intl => {
            let mut h = Sha256::new();
            for p in parts {
                h.update(p);
            }
            h.finalize().into()
        }
        Suite::Gm => {
            let mut h = Sm3::new();
            for p in parts {
                h.update(p);
            }
            h.finalize().into()
        }
    }
}

/// `SHA-256(0x00 ‖ data)`.
#[must_use]
pub fn leaf_hash(data: &[u8]) -> Hash {
    leaf_hash_with(Suite::Intl, data)
}

/// `H(0x00 ‖ data)` with the suite's hash `H`.
#[must_use]
pub fn leaf_hash_with(suite: Suite, data: &[u8]) -> Hash {
    hash(suite, &[&[LEAF_PREFIX], data])
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    node_hash_with(Suite::Intl, left, right)
}

/// `H(0x01 ‖ left ‖ right)` with the suite's hash `H`.
#[must_use]
pub fn node_hash_with(suite: Suite, left: &Hash, right: &Hash) -> Hash {
    hash(suite, &[&[NODE_PREFIX], left, right])
}

/// The root of the empty tree, `SHA-256("")`.
#[must_use]
pub fn empty_root() -> Hash {
    empty_root_with(Suite::Intl)
}

/// The root of the empty tree, `H("")`, with the suite's hash `H`.
#[must_use]
pub fn empty_root_with(suite: Suite) -> Hash {
    hash(suite, &[])
}

/// The largest power of two strictly less than `n` (`n ≥ 2`).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

fn invalid_proof() -> Error {
    Error::InvalidProof
}

/// Most hashes in a frontier: one per bit of a 64-bit size.
pub const MAX_FRONTIER: usize = 64;

fn pruned_error(pruned: u64) -> Error {
    Error::input(format!(
        "this needs records the log has pruned: proofs start at size {pruned}"
    ))
}

/// The first index level `k` keeps in a tree pruned below `pruned`: the
/// frontier node of that level (when bit `k` of `pruned` is set) and every
/// node that reaches past `pruned`. Always even, so the parity of a row's
/// length still says whether its last node is a left child.
fn level_offset(pruned: u64, k: usize) -> u64 {
    pruned.checked_shr(k as u32 + 1).unwrap_or(0) << 1
}

/// The frontier of the first `size` leaves as `(level, index)` pairs,
/// largest subtree first.
fn frontier_nodes(size: u64) -> impl Iterator<Item = (usize, u64)> {
    (0..64usize)
        .rev()
        .filter(move |k| (size >> k) & 1 == 1)
        .map(move |k| (k, (size >> k) - 1))
}

/// An append-only Merkle tree of leaf hashes, over one suite's hash
/// (`Default`: SHA-256).
#[derive(Clone, Default, Debug)]
pub struct MerkleTree {
    /// Whose hash: SHA-256 (`intl`) or SM3 (`gm`).
    suite: Suite,
    /// `levels[k][i]` is the hash of the complete subtree of `2^k` leaves
    /// starting at leaf `(level_offset(pruned, k) + i)·2^k`; `levels[0]`
    /// are the leaf hashes.
    levels: Vec<Vec<Hash>>,
    /// How many leading leaves are pruned (only their frontier is kept).
    pruned: u64,
}

impl MerkleTree {
    /// An empty SHA-256 tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty tree over the suite's hash.
    #[must_use]
    pub fn with_suite(suite: Suite) -> Self {
        Self {
            suite,
            ..Self::default()
        }
    }

    /// The suite whose hash the tree uses.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// A tree pruned below `size`, from the frontier of its first `size`
    /// leaves (largest subtree first, as [`MerkleTree::frontier`] gives it).
    ///
    /// # Errors
    /// [`Error::StorageCorrupt`] unless `frontier` holds exactly one hash
    /// per set bit of `size` (so at most [`MAX_FRONTIER`]).
    pub fn from_frontier(size: u64, frontier: &[Hash]) -> Result<Self> {
        Self::from_frontier_with(Suite::Intl, size, frontier)
    }

    /// [`MerkleTree::from_frontier`] for a tree over the suite's hash.
    ///
    /// # Errors
    /// As [`MerkleTree::from_frontier`].
    pub fn from_frontier_with(suite: Suite, size: u64, frontier: &[Hash]) -> Result<Self> {
        if frontier.len() > MAX_FRONTIER || frontier.len() != size.count_ones() as usize {
            return Err(Error::StorageCorrupt {
                reason: "a frontier does not match its tree size",
            });
        }
        let top = frontier_nodes(size).next().map_or(0, |(k, _)| k + 1);
        let mut levels = vec![Vec::new(); top];
        for ((k, _), h) in frontier_nodes(size).zip(frontier) {
            if let Some(row) = levels.get_mut(k) {
                row.push(*h);
            }
        }
        Ok(Self {
            suite,
            levels,
            pruned: size,
        })
    }

    /// Number of leaves (pruned ones included).
    #[must_use]
    pub fn len(&self) -> u64 {
        level_offset(self.pruned, 0)
            .saturating_add(self.levels.first().map_or(0, |l| l.len() as u64))
    }

    /// How many leading leaves are pruned: only their frontier is kept.
    #[must_use]
    pub fn pruned(&self) -> u64 {
        self.pruned
    }

    /// The frontier of the pruned leaves: the hashes of the maximal
    /// complete subtrees covering the first [`MerkleTree::pruned`] leaves,
    /// largest first (empty when nothing is pruned).
    #[must_use]
    pub fn frontier(&self) -> Vec<Hash> {
        self.frontier_of(self.pruned).unwrap_or_default()
    }

    /// The frontier of the first `size` leaves, if the tree still holds it
    /// (for any `pruned ≤ size ≤ len`).
    #[must_use]
    pub fn frontier_of(&self, size: u64) -> Option<Vec<Hash>> {
        let mut out = Vec::new();
        for (k, i) in frontier_nodes(size) {
            out.push(self.node(k, i)?);
        }
        Some(out)
    }

    /// Prunes the first `size` leaves, keeping their frontier (a no-op
    /// unless `pruned < size ≤ len`).
    pub fn prune(&mut self, size: u64) {
        if size <= self.pruned || size > self.len() {
            return;
        }
        for (k, row) in self.levels.iter_mut().enumerate() {
            let drop = level_offset(size, k).saturating_sub(level_offset(self.pruned, k));
            let drop = usize::try_from(drop).unwrap_or(usize::MAX).min(row.len());
            *row = row.split_off(drop);
        }
        self.pruned = size;
    }

    /// The hash of the complete subtree at `level`, `index`, if held.
    fn node(&self, level: usize, index: u64) -> Option<Hash> {
        let i = index.checked_sub(level_offset(self.pruned, level))?;
        self.levels
            .get(level)?
            .get(usize::try_from(i).ok()?)
            .copied()
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
                (Some(l), Some(r)) => hash = node_hash_with(self.suite, l, r),
                _ => break,
            }
            level += 1;
        }
        index
    }

    /// Drops every leaf from `size` on (no-op when the tree is not larger),
    /// undoing [`MerkleTree::push`]es: a level-`k` row keeps the
    /// `size >> k` complete subtrees that lie wholly below `size`. Pruned
    /// leaves stay pruned: `size` below [`MerkleTree::pruned`] truncates to
    /// it.
    pub(crate) fn truncate(&mut self, size: u64) {
        let size = size.max(self.pruned);
        for (k, row) in self.levels.iter_mut().enumerate() {
            let keep = (size >> k.min(63)).saturating_sub(level_offset(self.pruned, k));
            row.truncate(usize::try_from(keep).unwrap_or(usize::MAX));
        }
        while self.levels.last().is_some_and(Vec::is_empty)
            && self.levels.len() > frontier_nodes(self.pruned).next().map_or(0, |(k, _)| k + 1)
        {
            self.levels.pop();
        }
    }

    /// The leaf hash at `index` (`None` if pruned or beyond the tree).
    #[must_use]
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        if index < self.pruned {
            return None;
        }
        self.node(0, index)
    }

    /// `MTH(D[start:end])` for `0 ≤ start < end ≤ len`; `None` if it needs
    /// a pruned hash. The recursion is at most 64 calls deep (each halves
    /// the range at least once every two levels).
    fn subtree(&self, start: u64, end: u64) -> Option<Hash> {
        let n = end.checked_sub(start).filter(|n| *n > 0)?;
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let level = n.trailing_zeros() as usize;
            if let Some(h) = self.node(level, start >> level) {
                return Some(h);
            }
        }
        if n <= 1 || end <= self.pruned && n.is_power_of_two() {
            // A pruned leaf, or a complete pruned subtree that is not in the
            // frontier: its hash is gone.
            return None;
        }
        let k = split_point(n);
        Some(node_hash_with(
            self.suite,
            &self.subtree(start, start + k)?,
            &self.subtree(start + k, end)?,
        ))
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
        if size == 0 {
            return Ok(empty_root_with(self.suite));
        }
        self.subtree(0, size)
            .ok_or_else(|| pruned_error(self.pruned))
    }

    /// The current root.
    #[must_use]
    pub fn root(&self) -> Hash {
        self.root_at(self.len())
            .unwrap_or_else(|_| empty_root_with(self.suite))
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
        self.path(index, 0, size, &mut proof)
            .ok_or_else(|| pruned_error(self.pruned))?;
        Ok(proof)
    }

    fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) -> Option<()> {
        let n = end - start;
        if n <= 1 {
            return Some(());
        }
        let k = split_point(n);
        if m < k {
            self.path(m, start, start + k, out)?;
            out.push(self.subtree(start + k, end)?);
        } else {
            self.path(m - k, start + k, end, out)?;
            out.push(self.subtree(start, start + k)?);
        }
        Some(())
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
            self.subproof(old_size, 0, new_size, true, &mut proof)
                .ok_or_else(|| pruned_error(self.pruned))?;
        } else if old_size < self.pruned && self.root_at(old_size).is_err() {
            return Err(pruned_error(self.pruned));
        }
        Ok(proof)
    }

    fn subproof(
        &self,
        m: u64,
        start: u64,
        end: u64,
        complete: bool,
        out: &mut Vec<Hash>,
    ) -> Option<()> {
        let n = end - start;
        if m == n {
            if !complete {
                out.push(self.subtree(start, end)?);
            }
            return Some(());
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, start + k, complete, out)?;
            out.push(self.subtree(start + k, end)?);
        } else {
            self.subproof(m - k, start + k, end, false, out)?;
            out.push(self.subtree(start, start + k)?);
        }
        Some(())
    }
}

fn ct_eq(a: &Hash, b: &Hash) -> bool {
    a.ct_eq(b).into()
}

/// Verifies that `leaf` is at `index` in the SHA-256 tree of `size` leaves
/// with `root` (RFC 9162 §2.1.3.2).
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
    verify_inclusion_with(Suite::Intl, leaf, index, size, proof, root)
}

/// [`verify_inclusion`] in a tree over the suite's hash.
///
/// # Errors
/// As [`verify_inclusion`].
pub fn verify_inclusion_with(
    suite: Suite,
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    let node_hash = |l: &Hash, r: &Hash| node_hash_with(suite, l, r);
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

/// Verifies that the SHA-256 tree of `old_size` leaves with `old_root` is
/// a prefix of the tree of `new_size` leaves with `new_root` (RFC 9162
/// §2.1.4.2).
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
    verify_consistency_with(Suite::Intl, old_size, new_size, old_root, new_root, proof)
}

/// [`verify_consistency`] in trees over the suite's hash.
///
/// # Errors
/// As [`verify_consistency`].
pub fn verify_consistency_with(
    suite: Suite,
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<()> {
    let node_hash = |l: &Hash, r: &Hash| node_hash_with(suite, l, r);
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

#[cfg(test)]
mod prune_tests {
    use super::*;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    fn full(leaves: &[Hash]) -> MerkleTree {
        let mut t = MerkleTree::new();
        for l in leaves {
            t.push(*l);
        }
        t
    }

    /// Property: a tree pruned below `p` (in place, or rebuilt from the
    /// frontier alone and the later leaves) answers every root, inclusion
    /// and consistency query at or above `p` exactly as the whole tree, and
    /// refuses (never answers wrongly) the ones below.
    #[test]
    fn pruned_trees_answer_every_query_at_or_above_the_prune_point() {
        for n in 0..=40u64 {
            let all = leaves(n);
            let whole = full(&all);
            for p in 0..=n {
                let mut pruned = whole.clone();
                pruned.prune(p);
                assert_eq!(pruned.pruned(), if p == 0 { 0 } else { p });
                let frontier = pruned.frontier();
                assert!(frontier.len() <= MAX_FRONTIER);
                let mut rebuilt = MerkleTree::from_frontier(p, &frontier).unwrap();
                for l in all.iter().skip(p as usize) {
                    rebuilt.push(*l);
                }
                for t in [&pruned, &rebuilt] {
                    assert_eq!(t.len(), n);
                    assert_eq!(t.root(), whole.root(), "n {n} p {p}");
                    for size in 0..=n {
                        match t.root_at(size) {
                            Ok(r) => assert_eq!(r, whole.root_at(size).unwrap()),
                            Err(_) => assert!(size < p),
                        }
                        if size >= p {
                            assert!(t.root_at(size).is_ok(), "root {size} n {n} p {p}");
                        }
                        for i in 0..size {
                            match t.inclusion_proof(i, size) {
                                Ok(proof) => {
                                    assert_eq!(proof, whole.inclusion_proof(i, size).unwrap());
                                }
                                Err(e) => {
                                    assert_eq!(e.code(), "INVALID_INPUT");
                                    assert!(i < p, "inclusion {i} {size} n {n} p {p}");
                                }
                            }
                        }
                        for old in 1..=size {
                            match t.consistency_proof(old, size) {
                                Ok(proof) => {
                                    assert_eq!(proof, whole.consistency_proof(old, size).unwrap());
                                }
                                Err(_) => assert!(old < p, "consistency {old} {size} n {n} p {p}"),
                            }
                        }
                    }
                    assert_eq!(t.leaf(p), whole.leaf(p));
                    if p > 0 {
                        assert_eq!(t.leaf(p - 1), None);
                    }
                }
                // Truncating back (an unsaved append taken back) stays
                // within the kept part and still agrees.
                let mut cut = rebuilt.clone();
                cut.truncate(p + (n - p) / 2);
                assert_eq!(cut.len(), p + (n - p) / 2);
                assert_eq!(cut.root(), whole.root_at(p + (n - p) / 2).unwrap());
                cut.truncate(0);
                assert_eq!(cut.len(), p);
                cut.push(leaf_hash(b"x"));
                let mut other = full(&all[..p as usize]);
                other.push(leaf_hash(b"x"));
                assert_eq!(cut.root(), other.root());
                // Pruning further, in steps, ends where pruning at once does.
                let mut steps = whole.clone();
                steps.prune(p / 2);
                steps.prune(p);
                assert_eq!(steps.frontier(), frontier);
                assert_eq!(steps.root(), whole.root());
            }
        }
    }

    /// Hostile frontiers: a count that does not match the size is refused
    /// before anything is built; a wrong hash gives another root (which the
    /// storage layer compares with the signed one).
    #[test]
    fn frontiers_are_bounded_and_checked() {
        let h = [7u8; 32];
        assert!(MerkleTree::from_frontier(5, &[h]).is_err());
        assert!(MerkleTree::from_frontier(0, &[h]).is_err());
        assert!(MerkleTree::from_frontier(u64::MAX, &vec![h; 65]).is_err());
        let t = MerkleTree::from_frontier(u64::MAX, &vec![h; 64]).unwrap();
        assert_eq!(t.len(), u64::MAX);
        assert!(t.inclusion_proof(0, 2).is_err());
        assert!(t.consistency_proof(1, 3).is_err());
        let whole = full(&leaves(5));
        let mut p = whole.clone();
        p.prune(5);
        let mut f = p.frontier();
        f[0][0] ^= 1;
        assert_ne!(
            MerkleTree::from_frontier(5, &f).unwrap().root(),
            whole.root()
        );
    }
}
