//! The allocator of every binary built on this library: mimalloc.
//!
//! sled 0.34 copies a leaf on every insert and splits it every few keys;
//! with glibc's allocator a fifth of an import's processor time went to
//! malloc and free alone, and the import of 100,000 rows into five years
//! of data took 3.4 times SQLite's load of the same rows (the budget is
//! 3x). With mimalloc it takes about twice, and `check` a third less
//! (BENCHMARKS.md, "The allocator").
//!
//! Two of mimalloc's defaults cost memory here, and both are answered:
//! - transparent huge pages are off (the `no_thp` feature in Cargo.toml):
//!   with them sled's pages grew the resident memory by 2 MiB at a time,
//!   40 MB more after opening the million-entry database, for no speed;
//! - memory freed goes back to the system a second later, not at once,
//!   so that a bulk write reuses it (giving it back at once made the
//!   import a fifth slower). A PIN check takes 19 MiB on purpose
//!   (argon2), and a server answering a hundred wrong PINs held each for
//!   that second, 175 MB where glibc's allocator held 63 MB: the check
//!   gives its memory back when it ends (`give_back_freed_memory`).

use libmimalloc_sys as sys;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Memory freed and not yet given back goes back to the system now.
/// For after a large, rare allocation has been freed (a PIN check): it
/// walks this thread's heap, so not for every request.
pub fn give_back_freed_memory() {
    // SAFETY: mi_collect only frees and purges mimalloc's own free
    // memory; any thread may call it at any time.
    unsafe { sys::mi_collect(true) }
}
