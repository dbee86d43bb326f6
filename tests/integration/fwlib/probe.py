#!/usr/bin/python3
# Real packets for the firewall tests (no netcat on this machine).
#   probe.py serve tcp|udp PORT           echo server (runs until killed)
#   probe.py connect tcp|udp ADDR PORT    one exchange; exit 0 when the echo came back
#   probe.py hold ADDR PORT SECONDS       one TCP connection, an exchange every 0.1 s;
#                                         exit 0 when every exchange worked
#   probe.py peer tcp|udp PORT            server that answers with the peer's address
#   probe.py peer6 tcp|udp PORT           the same on IPv6 and IPv4 (a dual-stack socket)
import socket, sys, time, threading

def peername(peer):
    a = peer[0]
    return a[7:] if a.startswith("::ffff:") else a

def sock(fam, kind):
    s = socket.socket(fam, kind)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    return s

def serve(proto, port, who=False, fam=socket.AF_INET):
    any_addr = "::" if fam == socket.AF_INET6 else "0.0.0.0"
    if proto == "udp":
        s = sock(fam, socket.SOCK_DGRAM)
        s.bind((any_addr, port))
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(peername(peer).encode() if who else data, peer)
    s = sock(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((any_addr, port))
    s.listen(64)
    def echo(c, peer):
        try:
            while True:
                d = c.recv(2048)
                if not d:
                    break
                c.sendall(peername(peer).encode() if who else d)
        except OSError:
            pass
        c.close()
    while True:
        c, peer = s.accept()
        threading.Thread(target=echo, args=(c, peer), daemon=True).start()

def connect(proto, addr, port):
    if proto == "udp":
        s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET,
                          socket.SOCK_DGRAM)
        s.settimeout(1.0)
        s.sendto(b"ping", (addr, port))
        d, _ = s.recvfrom(2048)
    else:
        s = socket.create_connection((addr, port), timeout=1.0)
        s.sendall(b"ping")
        d = s.recv(2048)
    print(d.decode(errors="replace"))
    return 0 if d else 1

def hold(addr, port, secs):
    s = socket.create_connection((addr, port), timeout=1.0)
    end = time.time() + secs
    n = 0
    while time.time() < end:
        s.sendall(b"x")
        if s.recv(16) != b"x":
            return 1
        n += 1
        time.sleep(0.1)
    print(n)
    return 0

try:
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "peer":
        serve(sys.argv[2], int(sys.argv[3]), who=True)
    elif sys.argv[1] == "peer6":
        serve(sys.argv[2], int(sys.argv[3]), who=True, fam=socket.AF_INET6)
    elif sys.argv[1] == "connect":
        sys.exit(connect(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    elif sys.argv[1] == "hold":
        sys.exit(hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
except (OSError, socket.timeout) as e:
    print(e, file=sys.stderr)
    sys.exit(1)
