"""Runs a command in a pseudo-terminal, types one line into it as a person would, and
prints everything the terminal showed. The e2e tests use it to check that secrets
typed at a terminal are not echoed.

usage: type_secret.py <line> <command> [args...]
"""
import os
import pty
import select
import sys
import time


def main() -> int:
    line, argv = sys.argv[1].encode(), sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    shown = b""
    typed = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        # Type once the program has asked (its whole prompt is on the screen) and had a
        # moment to switch the terminal's echo off, as a person typing would.
        if not typed and shown.rstrip().endswith(b":"):
            time.sleep(0.5)
            os.write(fd, line + b"\r")
            typed = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(shown.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
