//! Credentials: Chinese electronic licences as SD-JWT VCs.
//!
//! - [`keys`]: `EdDSA` / `ES256` signing keys as JWKs;
//! - [`sdjwt`]: issue, present, verify and decode SD-JWTs (RFC 9901);
//! - [`licence`]: licence schemas (data files) and issuing a licence with
//!   its derived claims (age predicates, province, masked values);
//! - [`mask`]: masking (脱敏) rules for display and derived claims;
//! - [`idcard`]: GB 11643-1999 citizen ID numbers, and [`date`], the
//!   calendar arithmetic they need;
//! - [`jose`]: base64url and compact JWS.

pub mod date;
pub mod idcard;
pub mod jose;
pub mod keys;
pub mod licence;
pub mod mask;
pub mod sdjwt;
