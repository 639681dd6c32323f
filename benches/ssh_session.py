#!/usr/bin/env python3
"""Bytes on a real SSH link for the scripted session of issue 12: login,
home, a register, ten steps down, the form, four Tabs. Not run by CI: it
needs an sshd and an ssh client on the machine.

  apt-get install -y openssh-server openssh-client     # once, as root
  cargo build --release
  python3 benches/ssh_session.py --binary target/release/binalog

It starts a throwaway sshd on 127.0.0.1:2222 (a fresh host key and a
key-only login for the current user, all under a temporary directory),
puts a counting TCP proxy in front of it, and runs `ssh -tt` in a
pseudo-terminal of 80x24 (TERM=xterm), once without and once with `-C`.
Down: every TCP byte from the server to the client, handshake and login
included. Up: the TCP bytes per keystroke of the session. The terminal
bytes binalog writes (what the client writes to its terminal) are counted
too. Steps are synchronised on what the screen must show (text in the
output), then on the output going quiet.
"""
import argparse, os, pty, select, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time, fcntl, termios

OPERATOR = "199001012015031002"
PIN = "123456"
DOWN = b"\x1b[B"


class Proxy(threading.Thread):
    """127.0.0.1:listen -> 127.0.0.1:target, counting the bytes each way."""

    def __init__(self, listen, target):
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", listen))
        self.target = target
        self.up = 0
        self.down = 0

    def run(self):
        client, _ = self.server.accept()
        self.server.close()
        upstream = socket.create_connection(("127.0.0.1", self.target))
        pair = {client: upstream, upstream: client}
        while True:
            ready, _, _ = select.select(list(pair), [], [])
            for s in ready:
                data = s.recv(65536)
                if not data:
                    client.close(); upstream.close()
                    return
                if s is client:
                    self.up += len(data)
                else:
                    self.down += len(data)
                pair[s].sendall(data)


def start_sshd(workdir, port):
    os.makedirs("/run/sshd", exist_ok=True)
    host_key = os.path.join(workdir, "host_key")
    user_key = os.path.join(workdir, "user_key")
    for key in (host_key, user_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    authorized = os.path.join(workdir, "authorized_keys")
    shutil.copy(user_key + ".pub", authorized)
    config = os.path.join(workdir, "sshd_config")
    with open(config, "w") as f:
        f.write(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
AuthorizedKeysFile {authorized}
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile {workdir}/sshd.pid
AcceptEnv LANG
""")
    sshd = subprocess.Popen([shutil.which("sshd") or "/usr/sbin/sshd", "-D", "-e", "-f", config],
                            stderr=open(os.path.join(workdir, "sshd.log"), "w"))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return sshd, user_key
        except OSError:
            time.sleep(0.05)
    raise SystemExit("sshd did not start: see " + workdir + "/sshd.log")


class Terminal:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm"
            os.environ["LANG"] = "C.UTF-8"
            os.execvp(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.out = b""

    def read(self, quiet, limit=30.0, until=None):
        """Reads until `until` shows (if given) and then `quiet` seconds pass with no output."""
        start = time.time(); last = start; seen = until is None; mark = len(self.out)
        while time.time() - start < limit:
            if seen and time.time() - last >= quiet:
                return
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                self.out += chunk; last = time.time()
            if not seen and until.encode() in self.out[mark:]:
                seen = True; last = time.time()
        raise SystemExit(f"waited for {until!r}; got {self.out[mark:][-400:]!r}")

    def key(self, keys, quiet=0.4, until=None):
        os.write(self.fd, keys)
        self.read(quiet, until=until)

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def session(args, user_key, compress, port):
    proxy = Proxy(port + 1, port)
    proxy.start()
    remote = f"BINALOG_DB={args.db} BINALOG_DIRECT=1 exec {os.path.abspath(args.binary)}"
    argv = ["ssh", "-tt", "-p", str(port + 1), "-i", user_key, "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "SendEnv=LANG"]
    argv += ["-C"] if compress else ["-o", "Compression=no"]
    argv += [f"{os.environ.get('USER', 'root')}@127.0.0.1", remote]
    t = Terminal(argv)
    t.read(1.0, until="Masukkan NIP dan PIN")
    connected = proxy.down
    up_before, keys = proxy.up, 0
    for c in OPERATOR:
        t.key(c.encode(), 0.15); keys += 1
    t.key(b"\r"); keys += 1
    for c in PIN:
        t.key(c.encode(), 0.15); keys += 1
    t.key(b"\r", 1.5, until=" Hari ini "); keys += 1
    t.key(b"\r", 1.5, until="Catatan, terbaru dulu"); keys += 1
    for _ in range(10):
        t.key(DOWN); keys += 1
    t.key(b"t", 1.0, until="Catatan baru:"); keys += 1
    for _ in range(4):
        t.key(b"\t"); keys += 1
    down, up, terminal = proxy.down, proxy.up - up_before, len(t.out)
    t.close()
    return down, connected, up / keys, terminal


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="target/release/binalog")
    ap.add_argument("--port", type=int, default=2222)
    a = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="binalog-ssh-")
    a.db = os.path.join(workdir, "db")
    init = subprocess.run([a.binary, "init", "--demo"], env={**os.environ, "BINALOG_DB": a.db, "BINALOG_DIRECT": "1"},
                          capture_output=True)
    if init.returncode != 0:
        raise SystemExit(init.stderr.decode())
    sshd, user_key = start_sshd(workdir, a.port)
    try:
        print(f"{subprocess.run(['ssh', '-V'], capture_output=True, text=True).stderr.strip()}, 80x24, TERM=xterm")
        print("| ssh | down the link | of which up to the login screen | up per keystroke | binalog's output |")
        print("| --- | --- | --- | --- | --- |")
        for compress in (False, True):
            down, connected, up, terminal = session(a, user_key, compress, a.port)
            print(f"| ssh -tt{' -C' if compress else ''} | {down:,} B | {connected:,} B | {up:.0f} B | {terminal:,} B |")
    finally:
        sshd.terminate()
        sshd.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
