//! Credentials: Chinese electronic licences, their identifiers and dates.
//!
//! For now this holds the GB 11643-1999 citizen ID number parser
//! ([`idcard`]) and the calendar arithmetic it needs ([`date`]).

pub mod date;
pub mod idcard;
