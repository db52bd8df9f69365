#!/usr/bin/env python3
"""A small HTTPS server for the mtlsprobe tests (Python's ssl module, that
is OpenSSL), on 127.0.0.1 only.

https.py PORT CHAIN KEY [--pha CAFILE]
  Chooses ALPN http/1.1 when offered.  Answers GET /hello with 200, GET /forbidden with 403, anything else
  with 404, and closes.
  --pha  TLS 1.3 only; asks for the client certificate after the
         handshake (post-handshake authentication), once the request has
         been read, as some servers do for some paths.  openssl s_server
         does it only on a terminal command.  The request goes out with
         the next write, so the start of the status line is written first;
         a certificate that does not verify against CAFILE, or none, ends
         the connection with OpenSSL's alert.
"""
import socket
import ssl
import sys

port, chain, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pha = len(sys.argv) > 5 and sys.argv[4] == "--pha"
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(chain, key)
ctx.set_alpn_protocols(["http/1.1"])
if pha:
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_verify_locations(sys.argv[5])
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.post_handshake_auth = True  # with CERT_REQUIRED: ask only when told to

STATUS = {"/hello": b"200 OK", "/forbidden": b"403 Forbidden"}

ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(8)
while True:
    conn, _ = ls.accept()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        s.settimeout(10)
        request = s.recv(4096).split(b" ")
        path = request[1].decode("ascii", "replace") if len(request) > 1 else "/"
        if pha:
            s.verify_client_post_handshake()
        s.sendall(b"HTTP/1.1 ")
        if pha:
            s.settimeout(1)
            try:
                s.recv(4096)  # takes the client's Certificate, then waits
            except socket.timeout:
                pass
            print("client:", s.getpeercert().get("subject"), flush=True)
        body = STATUS.get(path, b"404 Not Found")
        s.sendall(body + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        s.close()
    except (OSError, ssl.SSLError, ValueError) as e:
        print("refused:", e, flush=True)
        # OpenSSL has sent its alert; read what the client still sends so
        # that closing does not reset the connection (an RST can make the
        # client's kernel drop the alert before it is read)
        try:
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(1)
            while conn.recv(4096):
                pass
        except OSError:
            pass
        conn.close()
