#!/usr/bin/env python3
"""A stand-in for a cloud instance-metadata service, for the tests of the
address rules (issue 29): it listens on the metadata addresses inside the
test's private network namespace only (the test puts them on lo), and
logs every connection it accepts, so that a test can tell that nothing
reached it.

meta.py PORT LOG FILE ADDRESS...
  Accepts on every ADDRESS:PORT; for each connection, appends
  "ADDRESS PEER" to LOG (flushed at once), reads the request, and
  answers 200 with the bytes of FILE.  Prints "ready" when listening.
"""
import selectors
import socket
import sys

port, log, body_file, addresses = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
with open(body_file, "rb") as f:
    body = f.read()
sel = selectors.DefaultSelector()
for a in addresses:
    ls = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a, port))
    ls.listen(8)
    sel.register(ls, selectors.EVENT_READ, a)
print("ready", flush=True)
with open(log, "a") as out:
    while True:
        for key, _ in sel.select():
            conn, peer = key.fileobj.accept()
            out.write("%s %s\n" % (key.data, peer[0]))
            out.flush()
            conn.settimeout(5)
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-cert\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
            except OSError:
                pass
            conn.close()
