//! The allocator's option, read in a process of its own: the library's
//! tests start servers in theirs, and a server sets it (src/allocator.rs).

use binalog::allocator::{PURGE_DELAY, give_back_at_once};

fn purge_delay() -> std::os::raw::c_long {
    // SAFETY: mi_option_get only reads mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
}

#[test]
fn the_option_set_is_mimallocs_purge_delay_and_the_setting_makes_it_zero() {
    // mimalloc v3's default purge delay is 1,000 ms, and no option near it
    // defaults to that: reading 1,000 says the number names the option
    // meant (unless the environment sets another delay).
    let env = std::env::var("MIMALLOC_PURGE_DELAY").ok().and_then(|v| v.parse().ok());
    assert_eq!(purge_delay(), env.unwrap_or(1000));
    give_back_at_once();
    assert_eq!(purge_delay(), 0);
}
