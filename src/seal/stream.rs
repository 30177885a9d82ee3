//! Streaming: large payloads (licence photos, scanned documents) sealed in
//! chunks with constant memory (`docs/FORMAT.md`, "Stream").
//!
//! The construction is STREAM (Hoang, Reyhanitabar, Rogaway, Vizár), as in
//! age, over one HPKE context:
//!
//! ```text
//! stream header (magic "MPSS"; version 1 = intl, 64 bytes; version 2 =
//!                gm, 97 bytes: base mode, suite ids, recipient key id,
//!                enc, u32 chunk size)
//! chunk 0, chunk 1, …, final chunk
//!
//! chunk i = flag (1 byte: 0x00 more follow, 0x01 final)
//!           ‖ plaintext length (u32, big-endian)
//!           ‖ ciphertext ‖ tag (16 bytes)
//! ```
//!
//! Chunk `i` is the `i`-th `Seal` of the sender context: its nonce is the
//! HPKE base nonce XOR `i`, so the counter is implicit and a chunk opens
//! only at its own position. Its `aad` is the header bytes ‖ the chunk's
//! 5-byte prefix (flag and length) ‖ the caller's aad, so the final flag
//! cannot be set or cleared, and the header cannot be changed, unnoticed.
//! Every chunk but the last holds exactly the chunk size; the last holds
//! 1 to chunk-size bytes (0 only for an empty payload).
//!
//! What the receiver detects:
//! - a chunk modified, reordered, duplicated or dropped: it does not open at
//!   its position, `DECRYPT_FAILED`;
//! - the stream cut short, or the final chunk dropped: [`OpenStream::finish`]
//!   fails with `TRUNCATED`;
//! - anything after the final chunk: `INVALID_ENVELOPE`;
//! - a malformed prefix (unknown flag, a non-final chunk of the wrong
//!   length, a chunk longer than the chunk size): `INVALID_ENVELOPE`.
//!
//! After a failure every later call fails with the same error. Plaintext
//! that [`OpenStream::push`] has already returned is authentic chunk by
//! chunk, but the payload is complete only when
//! [`finish`](OpenStream::finish) succeeds: callers must not act on it
//! before.
//!
//! Both sides accept input in pieces of any size: [`SealStream::push`]
//! buffers at most one chunk of plaintext, [`OpenStream::push`] at most one
//! sealed chunk.

use zeroize::Zeroizing;

use super::envelope::OpenOptions;
use super::header;
use super::hpke::{
    Aead, Mode, PublicKey, ReceiverContext, SecretKey, SenderContext, KEY_ID_LEN, TAG_LEN,
};
use crate::error::{Error, Result};
use crate::rng::CryptoRng;
use crate::suite::Suite;

/// The first four bytes of every stream header: ASCII `MPSS`.
pub const MAGIC: [u8; 4] = *b"MPSS";
/// Length of an intl stream header ([`header_size`] for either suite).
pub const HEADER_SIZE: usize = 64;

/// Length of a stream header of `suite`: 64 bytes (intl) or 97 (gm).
#[must_use]
pub fn header_size(suite: Suite) -> usize {
    header::len_of(suite)
}
/// The chunk size unless the caller chooses: 64 KiB.
pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;
/// The smallest chunk size accepted.
pub const MIN_CHUNK_SIZE: usize = 64;
/// The largest chunk size accepted (it bounds the receiver's memory).
pub const MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;
/// Length of a chunk's prefix (flag and plaintext length).
pub const CHUNK_PREFIX_LEN: usize = 5;
/// Bytes each chunk adds to its plaintext: prefix and tag.
pub const CHUNK_OVERHEAD: usize = CHUNK_PREFIX_LEN + TAG_LEN;

const FLAG_MORE: u8 = 0x00;
const FLAG_FINAL: u8 = 0x01;

/// Options for [`SealStream::new`].
#[derive(Clone, Copy, Debug)]
pub struct StreamOptions<'a> {
    /// HPKE `info` (default empty); the recipient must pass the same.
    pub info: &'a [u8],
    /// Additional authenticated data for every chunk (default empty); the
    /// recipient must pass the same.
    pub aad: &'a [u8],
    /// The AEAD (default: ChaCha20-Poly1305 for an X25519 recipient,
    /// SM4-GCM for an SM2 one).
    pub aead: Option<Aead>,
    /// The suite, if the caller wants it checked: it must be the recipient
    /// key's.
    pub suite: Option<Suite>,
    /// Plaintext bytes per chunk (default [`DEFAULT_CHUNK_SIZE`]).
    pub chunk_size: usize,
}

impl Default for StreamOptions<'_> {
    fn default() -> Self {
        Self {
            info: &[],
            aad: &[],
            aead: None,
            suite: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
        }
    }
}

/// What a stream header says about itself, read without the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamInfo {
    /// Format version (1 intl, 2 gm).
    pub version: u8,
    /// The suite the version stands for.
    pub suite: Suite,
    /// HPKE mode (base).
    pub mode: Mode,
    /// KEM id (`0x0020` or `0xFE10`).
    pub kem: u16,
    /// KDF id (`0x0001` or `0xFE01`).
    pub kdf: u16,
    /// The AEAD.
    pub aead: Aead,
    /// The recipient key id ([`PublicKey::key_id`]).
    pub key_id: [u8; KEY_ID_LEN],
    /// Plaintext bytes per chunk.
    pub chunk_size: usize,
}

fn check_chunk_size(size: usize) -> bool {
    (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&size)
}

fn parse_header(bytes: &[u8]) -> Result<(StreamInfo, header::Header)> {
    let (h, _, rest) = header::parse(
        &MAGIC,
        "not an mpshield stream header (wrong magic bytes)",
        bytes,
    )?;
    if !rest.is_empty() {
        return Err(Error::InvalidEnvelope {
            reason: "trailing bytes after the stream header: pass the header alone, then push the chunks",
        });
    }
    let chunk_size = usize::try_from(h.word)
        .ok()
        .filter(|s| check_chunk_size(*s))
        .ok_or(Error::InvalidEnvelope {
            reason: "the stream's chunk size is out of range",
        })?;
    Ok((
        StreamInfo {
            version: h.version,
            suite: h.suite.suite(),
            mode: h.mode,
            kem: h.suite.kem.id(),
            kdf: h.suite.kdf.id(),
            aead: h.suite.aead,
            key_id: h.key_id,
            chunk_size,
        },
        h,
    ))
}

/// Reads a stream header without the key, after checking it is well-formed.
///
/// # Errors
/// [`Error::InvalidEnvelope`], [`Error::Truncated`] or
/// [`Error::UnsupportedAlgorithm`] as for [`OpenStream::new`].
pub fn inspect_header(header: &[u8]) -> Result<StreamInfo> {
    parse_header(header).map(|(info, _)| info)
}

/// The chunk `aad` buffer: header ‖ 5 prefix bytes (patched per chunk) ‖
/// the caller's aad.
fn aad_buffer(header: &[u8], caller_aad: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(
        header
            .len()
            .saturating_add(CHUNK_PREFIX_LEN)
            .saturating_add(caller_aad.len()),
    );
    aad.extend_from_slice(header);
    aad.extend_from_slice(&[0u8; CHUNK_PREFIX_LEN]);
    aad.extend_from_slice(caller_aad);
    aad
}

fn set_prefix(aad: &mut [u8], at: usize, prefix: &[u8; CHUNK_PREFIX_LEN]) -> Result<()> {
    let slot = aad
        .get_mut(at..at.saturating_add(CHUNK_PREFIX_LEN))
        .ok_or(Error::Internal {
            context: "stream aad layout",
        })?;
    slot.copy_from_slice(prefix);
    Ok(())
}

fn prefix(last: bool, len: usize) -> Result<[u8; CHUNK_PREFIX_LEN]> {
    let len = u32::try_from(len).map_err(|_| Error::Internal {
        context: "stream chunk length",
    })?;
    let [a, b, c, d] = len.to_be_bytes();
    Ok([if last { FLAG_FINAL } else { FLAG_MORE }, a, b, c, d])
}

// ---------------------------------------------------------------------------
// Sealing
// ---------------------------------------------------------------------------

/// Seals a payload of any length in chunks. Write [`header`](Self::header)
/// first, then everything [`push`](Self::push) and [`finish`](Self::finish)
/// return, in order. No `Debug`; buffered plaintext is zeroized on drop.
pub struct SealStream {
    ctx: SenderContext,
    header: Vec<u8>,
    /// Where the chunk prefix sits in `aad`: after the header.
    prefix_at: usize,
    aad: Vec<u8>,
    pending: Zeroizing<Vec<u8>>,
    chunk_size: usize,
    failed: bool,
}

impl SealStream {
    /// Starts a stream to `recipient`, drawing the ephemeral key from
    /// [`crate::rng`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the chunk size is outside
    /// [`MIN_CHUNK_SIZE`]`..=`[`MAX_CHUNK_SIZE`];
    /// [`Error::UnsupportedAlgorithm`] for the export-only AEAD;
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn new(recipient: &PublicKey, options: &StreamOptions<'_>) -> Result<Self> {
        Self::new_with_rng(recipient, options, &mut crate::rng::rng()?)
    }

    /// [`new`](Self::new) with the ephemeral key drawn from `rng`.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn new_with_rng(
        recipient: &PublicKey,
        options: &StreamOptions<'_>,
        rng: &mut impl CryptoRng,
    ) -> Result<Self> {
        if !check_chunk_size(options.chunk_size) {
            return Err(Error::input(format!(
                "chunkSize must be {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}, got {}",
                options.chunk_size
            )));
        }
        let word = u32::try_from(options.chunk_size)
            .map_err(|_| Error::input("chunkSize is too large"))?;
        let (ctx, header) = header::seal(
            recipient,
            &header::Seal {
                magic: &MAGIC,
                what: "a stream",
                aead: options.aead,
                suite: options.suite,
                info: options.info,
                word,
            },
            rng,
        )?;
        let aad = aad_buffer(&header, options.aad);
        Ok(Self {
            ctx,
            prefix_at: header.len(),
            header,
            aad,
            pending: Zeroizing::new(Vec::with_capacity(options.chunk_size)),
            chunk_size: options.chunk_size,
            failed: false,
        })
    }

    /// The 64-byte stream header; it goes first.
    #[must_use]
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// Plaintext bytes per chunk.
    #[must_use]
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// Adds plaintext of any length and returns the sealed chunks it
    /// completes (possibly none). At most one chunk of plaintext stays
    /// buffered, so the final chunk is never empty unless the payload is.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if an earlier call failed; otherwise only
    /// internal errors.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        if self.failed {
            return Err(Error::input("this stream failed earlier: start a new one"));
        }
        let result = self.push_inner(data);
        self.failed = result.is_err();
        result
    }

    /// Adds the last plaintext (possibly empty) and returns the remaining
    /// sealed chunks, the final one last.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn finish(mut self, last: &[u8]) -> Result<Vec<u8>> {
        let mut out = self.push(last)?;
        let pending = core::mem::take(&mut *self.pending);
        let pending = Zeroizing::new(pending);
        emit(
            &mut self.ctx,
            (&mut self.aad, self.prefix_at),
            &mut out,
            &pending,
            &[],
            true,
        )?;
        Ok(out)
    }

    fn push_inner(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let total = self.pending.len().saturating_add(data.len());
        let full = total.saturating_sub(1) / self.chunk_size;
        let mut out = Vec::with_capacity(full.saturating_mul(self.chunk_size + CHUNK_OVERHEAD));
        let mut data = data;
        while self.pending.len().saturating_add(data.len()) > self.chunk_size {
            let take = self.chunk_size.saturating_sub(self.pending.len());
            let (head, tail) = data.split_at_checked(take).ok_or(Error::Internal {
                context: "stream chunking",
            })?;
            emit(
                &mut self.ctx,
                (&mut self.aad, self.prefix_at),
                &mut out,
                &self.pending,
                head,
                false,
            )?;
            self.pending.clear();
            data = tail;
        }
        self.pending.extend_from_slice(data);
        Ok(out)
    }
}

/// Appends one sealed chunk holding `a ‖ b` to `out`.
fn emit(
    ctx: &mut SenderContext,
    (aad, at): (&mut [u8], usize),
    out: &mut Vec<u8>,
    a: &[u8],
    b: &[u8],
    last: bool,
) -> Result<()> {
    let prefix = prefix(last, a.len().saturating_add(b.len()))?;
    set_prefix(aad, at, &prefix)?;
    out.extend_from_slice(&prefix);
    let start = out.len();
    out.extend_from_slice(a);
    out.extend_from_slice(b);
    let body = out.get_mut(start..).ok_or(Error::Internal {
        context: "stream chunk layout",
    })?;
    let tag = ctx.seal_in_place(body, aad)?;
    out.extend_from_slice(&tag);
    Ok(())
}

// ---------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------

enum State {
    Open,
    Done,
    Failed(Error),
}

/// Opens a stream chunk by chunk. Feed it the sealed bytes after the header
/// in pieces of any size; call [`finish`](Self::finish) at the end of the
/// input. No `Debug`.
pub struct OpenStream {
    ctx: ReceiverContext,
    aad: Vec<u8>,
    pending: Vec<u8>,
    chunk_size: usize,
    state: State,
    /// Where the chunk prefix sits in `aad`: after the header.
    prefix_at: usize,
}

impl OpenStream {
    /// Starts opening the stream whose header is `header` (exactly the 64
    /// header bytes).
    ///
    /// # Errors
    /// [`Error::InvalidEnvelope`] for a wrong magic, unknown version,
    /// out-of-range chunk size or trailing bytes; [`Error::Truncated`] if
    /// shorter than 64 bytes; [`Error::UnsupportedAlgorithm`] for a suite or
    /// mode version 1 does not define; [`Error::DecryptFailed`] if it is
    /// sealed to another key.
    pub fn new(recipient: &SecretKey, header: &[u8], options: &OpenOptions<'_>) -> Result<Self> {
        let (info, head) = parse_header(header)?;
        let ctx = head.open(recipient, options.info)?;
        Ok(Self {
            ctx,
            aad: aad_buffer(header, options.aad),
            prefix_at: head.len(),
            pending: Vec::new(),
            chunk_size: info.chunk_size,
            state: State::Open,
        })
    }

    /// Adds sealed bytes of any length and returns the plaintext of every
    /// chunk they complete (possibly none).
    ///
    /// # Errors
    /// [`Error::DecryptFailed`] if a chunk does not open at its position
    /// (modified, reordered, duplicated, dropped, wrong key/info/aad);
    /// [`Error::InvalidEnvelope`] for bytes after the final chunk or a
    /// malformed chunk prefix; after any failure, the same error again.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        match &self.state {
            State::Failed(e) => return Err(e.clone()),
            State::Done if data.is_empty() => return Ok(Vec::new()),
            _ => {}
        }
        let result = self.push_inner(data);
        if let Err(e) = &result {
            self.state = State::Failed(e.clone());
        }
        result
    }

    /// Ends the input.
    ///
    /// # Errors
    /// [`Error::Truncated`] if the final chunk never came (the stream was
    /// cut short); the earlier error if a [`push`](Self::push) failed.
    pub fn finish(self) -> Result<()> {
        match self.state {
            State::Done if self.pending.is_empty() => Ok(()),
            State::Failed(e) => Err(e),
            _ => Err(Error::Truncated),
        }
    }

    /// Whether the final chunk has been opened.
    #[must_use]
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    fn check_prefix(&self, p: &[u8; CHUNK_PREFIX_LEN]) -> Result<(bool, usize)> {
        let [flag, a, b, c, d] = *p;
        let last = match flag {
            FLAG_MORE => false,
            FLAG_FINAL => true,
            _ => {
                return Err(Error::InvalidEnvelope {
                    reason: "unknown stream chunk flag",
                })
            }
        };
        let len = usize::try_from(u32::from_be_bytes([a, b, c, d]))
            .ok()
            .filter(|l| *l <= self.chunk_size)
            .ok_or(Error::InvalidEnvelope {
                reason: "a stream chunk is longer than the stream's chunk size",
            })?;
        if !last && len != self.chunk_size {
            return Err(Error::InvalidEnvelope {
                reason: "a non-final stream chunk must hold exactly the chunk size",
            });
        }
        Ok((last, len))
    }

    fn push_inner(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(
            self.pending.len().saturating_add(data.len()),
        ));
        let mut data = data;
        while !data.is_empty() {
            if matches!(self.state, State::Done) {
                return Err(Error::InvalidEnvelope {
                    reason: "data after the final stream chunk",
                });
            }
            // Fast path: a whole chunk is in `data`; open it from there.
            if self.pending.is_empty() {
                if let Some((p, rest)) = data.split_first_chunk::<CHUNK_PREFIX_LEN>() {
                    let (last, len) = self.check_prefix(p)?;
                    if let Some((body, rest)) = rest.split_at_checked(len) {
                        if let Some((tag, rest)) = rest.split_first_chunk::<TAG_LEN>() {
                            open_chunk(
                                &mut self.ctx,
                                (&mut self.aad, self.prefix_at),
                                p,
                                body,
                                tag,
                                &mut out,
                            )?;
                            if last {
                                self.state = State::Done;
                            }
                            data = rest;
                            continue;
                        }
                    }
                }
            }
            // Slow path: gather the chunk in `pending`.
            if self.pending.len() < CHUNK_PREFIX_LEN {
                let n = (CHUNK_PREFIX_LEN - self.pending.len()).min(data.len());
                let (head, tail) = data.split_at(n);
                self.pending.extend_from_slice(head);
                data = tail;
                if self.pending.len() < CHUNK_PREFIX_LEN {
                    break;
                }
            }
            let p: [u8; CHUNK_PREFIX_LEN] =
                *self
                    .pending
                    .first_chunk::<CHUNK_PREFIX_LEN>()
                    .ok_or(Error::Internal {
                        context: "stream prefix",
                    })?;
            let (last, len) = self.check_prefix(&p)?;
            let total = CHUNK_PREFIX_LEN + len + TAG_LEN;
            let n = total.saturating_sub(self.pending.len()).min(data.len());
            let (head, tail) = data.split_at(n);
            self.pending.extend_from_slice(head);
            data = tail;
            if self.pending.len() < total {
                break;
            }
            let rest = self
                .pending
                .get(CHUNK_PREFIX_LEN..)
                .ok_or(Error::Internal {
                    context: "stream chunk layout",
                })?;
            let (body, tag) = rest.split_at_checked(len).ok_or(Error::Internal {
                context: "stream chunk layout",
            })?;
            let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| Error::Internal {
                context: "stream chunk layout",
            })?;
            open_chunk(
                &mut self.ctx,
                (&mut self.aad, self.prefix_at),
                &p,
                body,
                tag,
                &mut out,
            )?;
            self.pending.clear();
            if last {
                self.state = State::Done;
            }
        }
        Ok(core::mem::take(&mut *out))
    }
}

/// Opens one chunk, appending its plaintext to `out`.
fn open_chunk(
    ctx: &mut ReceiverContext,
    (aad, at): (&mut [u8], usize),
    prefix: &[u8; CHUNK_PREFIX_LEN],
    body: &[u8],
    tag: &[u8; TAG_LEN],
    out: &mut Vec<u8>,
) -> Result<()> {
    set_prefix(aad, at, prefix)?;
    let start = out.len();
    out.extend_from_slice(body);
    let buf = out.get_mut(start..).ok_or(Error::Internal {
        context: "stream chunk layout",
    })?;
    ctx.open_in_place(buf, tag, aad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::hpke::{self, Kem};
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn round_trip_in_odd_pieces() {
        let mut r = ChaCha20Rng::from_seed([2; 32]);
        let kp = hpke::generate_key_pair_with_rng(Kem::X25519, &mut r).unwrap();
        let payload: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        for size in [0usize, 1, 63, 64, 65, 128, 999, 1000] {
            let opts = StreamOptions {
                chunk_size: 64,
                ..StreamOptions::default()
            };
            let mut s = SealStream::new_with_rng(&kp.public_key, &opts, &mut r).unwrap();
            let header = s.header().to_vec();
            let mut sealed = Vec::new();
            for piece in payload[..size].chunks(7) {
                sealed.extend(s.push(piece).unwrap());
            }
            sealed.extend(s.finish(&[]).unwrap());
            let chunks = size.div_ceil(64).max(1);
            assert_eq!(sealed.len(), size + chunks * CHUNK_OVERHEAD);
            let mut o = OpenStream::new(&kp.secret_key, &header, &OpenOptions::default()).unwrap();
            let mut plain = Vec::new();
            for piece in sealed.chunks(13) {
                plain.extend(o.push(piece).unwrap());
            }
            assert!(o.is_done());
            o.finish().unwrap();
            assert_eq!(plain, payload[..size]);
        }
    }
}
