//! The allocator of every binary built on this library: mimalloc.
//!
//! sled 0.34 copies a leaf on every insert and splits it every few keys;
//! with glibc's allocator a fifth of an import's processor time went to
//! malloc and free alone, and the import of 100,000 rows into five years
//! of data took 3.4 times SQLite's load of the same rows (the budget is
//! 3x). With mimalloc it takes about twice, and `check` a third less
//! (BENCHMARKS.md, "The allocator").
//!
//! Two of mimalloc's defaults cost memory here, and both are changed:
//! - transparent huge pages are off (the `no_thp` feature in Cargo.toml):
//!   with them sled's pages grew the resident memory by 2 MiB at a time,
//!   40 MB more after opening the million-entry database, for no speed;
//! - memory freed goes back to the system a second later, so that a bulk
//!   write reuses it: right for a command that ends (an import, `check`),
//!   wrong for a process that stays. The server runs for months with up
//!   to hundreds of connections on threads of their own: a PIN check's
//!   19 MiB (argon2) and every closed connection's pages were held for
//!   that second, and a hundred wrong PINs among 500 hostile connections
//!   took it to 77 to 101 MB (52 to 63 MB with glibc's allocator). The
//!   server and the interface give memory back at once
//!   (`give_back_at_once`): that server peaked at 70 to 81 MB, its imports
//!   about a sixth slower than a command's.

use libmimalloc_sys as sys;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h: how many milliseconds freed
/// memory waits before it goes back to the system. libmimalloc-sys names
/// the option after it (`mi_option_use_numa_nodes`, 16) but not this one,
/// so it is named here by its place in mimalloc's enum; a test reads its
/// default back (tests/allocator.rs).
pub const PURGE_DELAY: sys::mi_option_t = sys::mi_option_use_numa_nodes - 1;

/// From now on, freed memory goes back to the system at once: for a
/// process that stays (the server, the interface), called as it starts.
pub fn give_back_at_once() {
    // SAFETY: mi_option_set only stores a number in mimalloc's option
    // table; any thread may call it at any time.
    unsafe { sys::mi_option_set(PURGE_DELAY, 0) }
}
