//! The module's exports: three functions over raw pointers into its own
//! memory, for `pkg/src/kdf-worker.js`. The only unsafe code of the crate:
//! the caller is that one script, which passes back exactly the pointers
//! and lengths [`mpshield_kdf_alloc`] gave it.
#![allow(unsafe_code)]

use alloc::vec::Vec;
use zeroize::Zeroize;

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Nothing here panics on any input (the checks come first); a trap is
    // what a panic would have been anyway.
    core::arch::wasm32::unreachable()
}

/// A zeroed buffer of `len` bytes; null if `len` is 0 or memory is short.
#[no_mangle]
pub extern "C" fn mpshield_kdf_alloc(len: usize) -> *mut u8 {
    if len == 0 {
        return core::ptr::null_mut();
    }
    let mut v: Vec<u8> = Vec::new();
    if v.try_reserve_exact(len).is_err() {
        return core::ptr::null_mut();
    }
    v.resize(len, 0);
    let mut b = v.into_boxed_slice();
    let p = b.as_mut_ptr();
    core::mem::forget(b);
    p
}

/// Zeroes and releases a buffer from [`mpshield_kdf_alloc`].
///
/// # Safety
/// `ptr` and `len` are exactly what one call of [`mpshield_kdf_alloc`]
/// returned and was given, and the buffer is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn mpshield_kdf_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() || len == 0 {
        return;
    }
    // SAFETY: by the contract above, a Box<[u8]> of `len` bytes leaked by
    // mpshield_kdf_alloc.
    let mut b =
        unsafe { alloc::boxed::Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len)) };
    b.zeroize();
}

/// Derives the key into `out` (32 bytes); 0, or a [`crate::Refusal`].
///
/// # Safety
/// Each pointer is null or a buffer from [`mpshield_kdf_alloc`] of at least
/// the length given with it (`out`: 32 bytes).
#[no_mangle]
pub unsafe extern "C" fn mpshield_kdf_derive(
    pin: *const u8,
    pin_len: usize,
    salt: *const u8,
    salt_len: usize,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    out: *mut u8,
) -> u32 {
    if pin.is_null() || salt.is_null() || out.is_null() {
        return crate::Refusal::NullBuffer as u32;
    }
    // SAFETY: by the contract above, live buffers of these lengths, distinct
    // allocations (so `out` aliases neither input).
    let (pin, salt, out) = unsafe {
        (
            core::slice::from_raw_parts(pin, pin_len),
            core::slice::from_raw_parts(salt, salt_len),
            &mut *out.cast::<[u8; 32]>(),
        )
    };
    match crate::derive(pin, salt, memory_kib, iterations, parallelism, out) {
        Ok(()) => 0,
        Err(r) => r as u32,
    }
}
