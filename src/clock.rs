//! Wall-clock time, in seconds since the Unix epoch.
//!
//! Natively the time comes from the operating system. In WebAssembly there is
//! no system clock, so the JavaScript boundary registers the host's clock
//! with [`set_host_clock`] at start-up.

use std::sync::OnceLock;

use crate::error::{Error, Result};

static HOST_CLOCK: OnceLock<fn() -> f64> = OnceLock::new();

/// Registers the host's clock (a function returning seconds since the Unix
/// epoch). Only the first registration takes effect.
pub fn set_host_clock(clock: fn() -> f64) {
    let _ = HOST_CLOCK.set(clock);
}

/// The current time in whole seconds since the Unix epoch.
///
/// # Errors
/// [`Error::Internal`] if no clock is available (WebAssembly without a
/// registered host clock) or the clock reads before 1970.
pub fn now() -> Result<i64> {
    if let Some(clock) = HOST_CLOCK.get() {
        let t = clock();
        if (0.0..1e15).contains(&t) {
            return Ok(t as i64);
        }
        return Err(Error::Internal {
            context: "host clock",
        });
    }
    system_now()
}

#[cfg(not(target_arch = "wasm32"))]
fn system_now() -> Result<i64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .map_err(|_| Error::Internal {
            context: "system clock",
        })
}

#[cfg(target_arch = "wasm32")]
fn system_now() -> Result<i64> {
    Err(Error::Internal {
        context: "no clock registered",
    })
}
