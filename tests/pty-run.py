#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and answer its prompts.

    pty-run.py TRANSCRIPT [--expect REGEX --send TEXT]... -- COMMAND [ARG]...

Each --expect waits (30 s at most) until the output so far matches
REGEX, then --send types TEXT and a newline, as a user would: only after
the prompt, so a terminal echo would show in the transcript.  The whole
output (stdout and stderr share the terminal) is written to TRANSCRIPT;
the exit status is the command's (124 on a timeout, 125 on a bad call).
"""
import os
import pty
import re
import select
import sys
import time


def main(argv):
    if len(argv) < 4 or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 125
    transcript = argv[1]
    sep = argv.index("--")
    steps, args = [], argv[2:sep]
    while args:
        if len(args) < 4 or args[0] != "--expect" or args[2] != "--send":
            print("pty-run.py: expected --expect REGEX --send TEXT pairs", file=sys.stderr)
            return 125
        steps.append((re.compile(args[1].encode()), args[3].encode()))
        args = args[4:]
    command = argv[sep + 1:]

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    out = b""
    status = None
    deadline = time.monotonic() + 30
    matched_upto = 0
    while True:
        if steps and steps[0][0].search(out, matched_upto):
            m = steps[0][0].search(out, matched_upto)
            matched_upto = m.end()
            time.sleep(0.2)  # let the program turn echo off, as a person would be slower
            os.write(fd, steps[0][1] + b"\n")
            steps.pop(0)
            deadline = time.monotonic() + 30
            continue
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            status = 124
            break
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            out += data
    if status is None:
        _, st = os.waitpid(pid, 0)
        status = os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)
    with open(transcript, "wb") as f:
        f.write(out)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
