//! The few POSIX calls the standard library does not offer: who is at the
//! other end of a Unix socket, user names, detaching a started server from
//! the terminal, and waiting on several descriptors. All of binalog's
//! `unsafe` is here, each call small and checked.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// The user id of the process at the other end of a connected socket
/// (SO_PEERCRED), as the kernel recorded it at connect time: a client
/// cannot claim to be someone else.
#[cfg(target_os = "linux")]
pub fn peer_uid(stream: &UnixStream) -> Option<u32> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes of the sizes given.
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast::<libc::c_void>(),
            &mut len,
        )
    };
    (rc == 0 && len as usize == std::mem::size_of::<libc::ucred>()).then_some(cred.uid)
}

#[cfg(not(target_os = "linux"))]
pub fn peer_uid(_stream: &UnixStream) -> Option<u32> {
    None
}

/// The user name of a user id, or `uid N` when the system has no name
/// for it (a deleted account, a container without that passwd entry).
pub fn user_name(uid: u32) -> String {
    let mut buf = vec![0 as libc::c_char; 4096];
    // SAFETY: an all-zero passwd is a valid value to be overwritten.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the sizes given; on success
    // `found` points at `pwd`, whose strings live in `buf`.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
        return format!("uid {uid}");
    }
    // SAFETY: getpwuid_r succeeded, so pw_name is a NUL-terminated string in `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    name.to_string_lossy().into_owned()
}

/// The user running this process (its effective user id).
pub fn current_user() -> String {
    // SAFETY: geteuid cannot fail and touches no memory.
    user_name(unsafe { libc::geteuid() })
}

/// Makes the calling process the leader of a new session, with no
/// controlling terminal: a server started in the background then outlives
/// the SSH session that started it. Meant for `CommandExt::pre_exec`.
pub fn detach_session() -> io::Result<()> {
    // SAFETY: setsid is async-signal-safe and takes no pointers.
    if unsafe { libc::setsid() } == -1 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// Has a command start its process in a new session (`detach_session`).
pub fn detach_when_spawned(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the child between fork and exec and
    // calls only setsid, which is async-signal-safe.
    unsafe {
        command.pre_exec(detach_session);
    }
}

/// Points standard output at /dev/null, so that whoever reads the other
/// end of the original (a pipe) sees it close.
pub fn stdout_to_null() -> io::Result<()> {
    let null = std::fs::OpenOptions::new().write(true).open("/dev/null")?;
    // SAFETY: both descriptors are open; dup2 replaces fd 1 atomically.
    if unsafe { libc::dup2(null.as_raw_fd(), libc::STDOUT_FILENO) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Takes an exclusive lock on a file, waiting for it; closing the file
/// releases it (also when the process dies).
pub fn lock_exclusive(file: &std::fs::File) -> io::Result<()> {
    loop {
        // SAFETY: the descriptor is open for the duration of the call.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Makes every file this process creates from now on unreadable to
/// others and unwritable to the group (umask 0027), keeping any stricter
/// umask the administrator set: the database, the server's log and
/// every file a command writes hold records or PIN hashes.
pub fn restrict_umask() {
    // SAFETY: umask cannot fail and touches no memory; the first call
    // only reads the current mask, the second sets it.
    unsafe {
        let old = libc::umask(0o027);
        libc::umask(old | 0o027);
    }
}

/// Raises this process's soft limit of open files to its hard limit, so
/// that the server's own connection caps decide who is refused, not the
/// default 1,024 descriptors. Failing to raise it is harmless.
pub fn raise_open_files_limit() {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `limit` is valid for writes; setrlimit only reads it.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// Waits until one of the descriptors can be read, or the time-out passes
/// (`None`: no time-out). Returns which are readable; all false on a
/// time-out or an interrupting signal.
pub fn wait_readable(fds: &[RawFd], timeout: Option<Duration>) -> io::Result<Vec<bool>> {
    let mut polled: Vec<libc::pollfd> =
        fds.iter().map(|&fd| libc::pollfd { fd, events: libc::POLLIN, revents: 0 }).collect();
    let millis = match timeout {
        None => -1,
        Some(t) => t.as_millis().min(i32::MAX as u128) as libc::c_int,
    };
    // SAFETY: `polled` is a valid array of `polled.len()` pollfd values.
    let rc = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, millis) };
    if rc == -1 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(vec![false; fds.len()]);
        }
        return Err(e);
    }
    Ok(polled.iter().map(|p| p.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0).collect())
}

/// Whether the other end of `stream` has hung up (closed it, or shut down
/// its sending side), without waiting and without reading anything.
pub fn peer_hung_up(stream: &UnixStream) -> bool {
    // Linux tells a shut-down sending side apart (POLLRDHUP); elsewhere
    // only a closed connection is seen.
    #[cfg(target_os = "linux")]
    let hung_up = libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR;
    #[cfg(not(target_os = "linux"))]
    let hung_up = libc::POLLHUP | libc::POLLERR;
    let mut polled = libc::pollfd { fd: stream.as_raw_fd(), events: hung_up, revents: 0 };
    // SAFETY: one valid pollfd; a zero time-out returns at once.
    let rc = unsafe { libc::poll(&mut polled, 1, 0) };
    rc > 0 && polled.revents & hung_up != 0
}

/// Whether process `pid` exists and is not stopped (SIGSTOP, a debugger),
/// as Linux's /proc tells it. Elsewhere, or when /proc cannot say, false:
/// then a caller does not wait on a process it cannot see.
pub fn process_running(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state follows the command name, which is in parentheses and may
    // itself hold spaces or parentheses.
    let state = stat.rfind(')').and_then(|end| stat[end + 1..].split_whitespace().next());
    matches!(state, Some("R" | "S" | "D" | "I"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_pair_knows_its_own_user() {
        let (a, _b) = UnixStream::pair().unwrap();
        // SAFETY: geteuid cannot fail.
        assert_eq!(peer_uid(&a), Some(unsafe { libc::geteuid() }));
        assert!(!current_user().is_empty());
        assert_eq!(user_name(0), "root");
    }

    #[test]
    fn the_umask_keeps_others_out_and_a_stricter_mask_stays() {
        restrict_umask();
        // SAFETY: umask cannot fail; the mask is put back at once.
        let mask = unsafe {
            let mask = libc::umask(0o077);
            libc::umask(mask);
            mask
        };
        assert_eq!(mask & 0o027, 0o027);
        // SAFETY: as above.
        unsafe { libc::umask(0o077) };
        restrict_umask();
        // SAFETY: as above.
        let mask = unsafe { libc::umask(0o027) };
        assert_eq!(mask, 0o077);
    }

    #[test]
    fn the_open_files_limit_is_raised_to_the_hard_limit() {
        raise_open_files_limit();
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: `limit` is valid for writes.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) }, 0);
        assert_eq!(limit.rlim_cur, limit.rlim_max);
    }
}
