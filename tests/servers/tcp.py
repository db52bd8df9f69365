#!/usr/bin/env python3
"""TCP endpoints that misbehave, for the mtlsprobe tests (loopback only).

tcp.py PORT MODE
  dropped  a listener whose accept queue is full: listen(fd, 0), one
           connection made and never accepted fills it, so the SYNs of
           any further connection go unanswered
  silent   accepts and never says anything
  close    accepts, reads the first bytes, closes (FIN, no TLS alert)
  reset    accepts, reads the first bytes, resets the connection (RST)
  plain    accepts and answers in plain HTTP, not TLS
"""
import socket
import struct
import sys
import time

port, mode = int(sys.argv[1]), sys.argv[2]
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))

if mode == "dropped":
    ls.listen(0)
    fillers = []
    # Linux queues backlog + 1 connections; fill until one stays pending
    for _ in range(16):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        fillers.append(c)
        time.sleep(0.2)
        try:
            c.getpeername()
        except OSError:
            break
    print("queue full after", len(fillers), "connections", flush=True)
    while True:
        time.sleep(3600)

ls.listen(16)
held = []
while True:
    conn, _ = ls.accept()
    if mode == "silent":
        held.append(conn)
        continue
    try:
        conn.settimeout(5)
        conn.recv(4096)
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "plain":
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        pass
    conn.close()
