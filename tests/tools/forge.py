#!/usr/bin/python3
"""Forged packets for the attack tests: raw Ethernet frames written with AF_PACKET by a
process with NET_RAW (root in a container's or a LAN neighbour's netns), every header
built here (no scapy). Every command but log ends within 5 s.
  forge.py [-i IF] udp [-n N] DMAC SRC DST DPORT DATA
        N UDP datagrams (1 unless told) carrying DATA from SRC (any address: forged),
        one random source port; IPv4 or IPv6 by SRC
  forge.py [-i IF] syn DMAC SRC DST DPORT
        a TCP SYN from SRC; prints what came back to its port within 1 s: synack,
        rst, other or none; exit 0 only for synack
  forge.py [-i IF] hijack DMAC SRC DST DPORT
        a TCP handshake and data from SRC: exit 0 when the data's echo came back
  forge.py [-i IF] garp IP
        gratuitous ARP (request and reply) for IP, our MAC as its owner
  forge.py [-i IF] na TARGET
        unsolicited override NA for TARGET from our own link-local, our MAC as its TLLAO
  forge.py log udp|tcp PORT FILE [ADDR]
        server on ADDR (both families on :: unless told), until killed: one line
        "SRC DATA" in FILE per datagram or connection (tcp echoes the data back)
IF is eth0 unless told; DMAC is the frame's destination MAC (aa:bb:cc:dd:ee:ff)."""
import argparse, random, socket, struct, sys, threading, time

ETH_P_ALL, ETH_P_IP, ETH_P_ARP, ETH_P_IPV6 = 0x0003, 0x0800, 0x0806, 0x86DD
TCP, UDP, ICMPV6 = 6, 17, 58
SYN, RST, PSH, ACK = 0x02, 0x04, 0x08, 0x10
BROADCAST = b"\xff" * 6


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def family(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def ip_packet(src, dst, proto, l4):
    """(ethertype, IPv4 or IPv6 header + @l4) with @l4's checksum filled in (0 becomes
    0xFFFF: a UDP checksum of 0 means none)."""
    fam = family(src)
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    if fam == socket.AF_INET:
        pseudo = s + d + struct.pack("!xBH", proto, len(l4))
    else:
        pseudo = s + d + struct.pack("!IxxxB", len(l4), proto)
    off = {TCP: 16, UDP: 6, ICMPV6: 2}[proto]
    l4 = l4[:off] + struct.pack("!H", csum(pseudo + l4) or 0xFFFF) + l4[off + 2:]
    if fam == socket.AF_INET6:     # NDP wants hop limit 255 (RFC 4861 7.1.2)
        h = struct.pack("!IHBB16s16s", 6 << 28, len(l4), proto, 255 if proto == ICMPV6 else 64,
                        s, d)
        return ETH_P_IPV6, h + l4
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), random.randint(0, 65535),
                    0x4000, 64, proto, 0, s, d)             # DF, as Linux sends
    return ETH_P_IP, h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


class Link:
    """An AF_PACKET socket on one interface: sends frames from its MAC, sees every frame."""

    def __init__(self, ifname):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((ifname, 0))
        self.mac = self.sock.getsockname()[4]
        self.ifname = ifname

    def send(self, dmac, etype, payload):
        self.sock.send(dmac + self.mac + struct.pack("!H", etype) + payload)

    def send_ip(self, dmac, src, dst, proto, l4):
        self.send(dmac, *ip_packet(src, dst, proto, l4))

    def link_local(self):
        with open("/proc/net/if_inet6") as f:
            for line in f:
                a, _, _, scope, _, name = line.split()
                if name == self.ifname and scope == "20":
                    return socket.inet_ntop(socket.AF_INET6, bytes.fromhex(a))
        sys.exit("no link-local on " + self.ifname)

    def tcp_to(self, v6, port, deadline):
        """The next TCP segment that comes in (IPv6 or not) for @port before @deadline,
        as (seq, flags, data), or None."""
        while time.time() < deadline:
            self.sock.settimeout(max(deadline - time.time(), 0.001))
            try:
                f, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                return None
            if peer[2] == socket.PACKET_OUTGOING:
                continue
            etype = struct.unpack("!H", f[12:14])[0]
            if etype == ETH_P_IPV6 and v6 and f[20] == TCP:
                l4 = f[14 + 40:]
            elif etype == ETH_P_IP and not v6 and f[23] == TCP:
                l4 = f[14 + (f[14] & 0xF) * 4:]
            else:
                continue
            _, dport, seq, _, off, flags = struct.unpack("!HHIIBB", l4[:14])
            if dport == port:
                return seq, flags, l4[(off >> 4) * 4:]
        return None


class Flow:
    """A TCP flow from a forged SRC (random port) to DST:DPORT through DMAC."""

    def __init__(self, link, dmac, src, dst, dport):
        self.link, self.dmac, self.src, self.dst, self.dport = link, dmac, src, dst, dport
        self.sport = random.randint(20000, 60000)
        self.isn = random.randint(0, 2 ** 32 - 1)

    def send(self, seq_off, ack, flags, data=b""):
        seg = struct.pack("!HHIIBBHHH", self.sport, self.dport, (self.isn + seq_off) % 2 ** 32,
                          ack % 2 ** 32, 5 << 4, flags, 64240, 0, 0) + data
        self.link.send_ip(self.dmac, self.src, self.dst, TCP, seg)

    def reply(self, wait):
        return self.link.tcp_to(family(self.dst) == socket.AF_INET6, self.sport,
                                time.time() + wait)

    def syn(self, wait):
        """Sends the SYN: the first answer within @wait s (see Link.tcp_to), or None."""
        self.send(0, 0, SYN)
        return self.reply(wait)


def is_synack(seg):
    return seg is not None and seg[1] & (SYN | ACK) == SYN | ACK


def cmd_syn(link, a):
    got = Flow(link, a.dmac, a.src, a.dst, a.dport).syn(1.0)
    print("none" if got is None else "synack" if is_synack(got) else
          "rst" if got[1] & RST else "other")
    return 0 if is_synack(got) else 1


def cmd_hijack(link, a):
    """SYN as SRC, then (if a SYN-ACK finds its way to us) ACK + data: did it echo?"""
    flow = Flow(link, a.dmac, a.src, a.dst, a.dport)
    got = flow.syn(1.5)
    if not is_synack(got):
        print("no SYN-ACK reached the attacker")
        return 1
    ack = got[0] + 1
    flow.send(1, ack, ACK)
    flow.send(1, ack, PSH | ACK, b"hijack")
    deadline = time.time() + 1.5
    while True:
        got = flow.reply(deadline - time.time())
        if not got:
            print("handshake completed, no echo")
            return 1
        if got[2]:
            flow.send(7, got[0] + len(got[2]), RST | ACK)  # leave nothing half-open
            print("handshake completed, echo: %s" % got[2].decode(errors="replace"))
            return 0


def cmd_udp(link, a):
    data = a.data.encode()
    udp = struct.pack("!HHHH", random.randint(20000, 60000), a.dport, 8 + len(data), 0) + data
    for i in range(a.n):
        if i:
            time.sleep(0.05)
        link.send_ip(a.dmac, a.src, a.dst, UDP, udp)    # a new IPv4 ID each
    return 0


def cmd_garp(link, a):
    ip = socket.inet_aton(a.ip)
    for op, tha in ((1, b"\0" * 6), (2, BROADCAST)):
        arp = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, op, link.mac, ip, tha, ip)
        link.send(BROADCAST, ETH_P_ARP, arp)
    return 0


def cmd_na(link, a):
    t = socket.inet_pton(socket.AF_INET6, a.target)
    # type 136, override flag; option 2 (target link-layer address), length 1 (8 bytes)
    na = struct.pack("!BBHI16sBB6s", 136, 0, 0, 0x20000000, t, 2, 1, link.mac)
    link.send_ip(b"\x33\x33\x00\x00\x00\x01", link.link_local(), "ff02::1", ICMPV6, na)
    return 0


def cmd_log(a):
    out = open(a.file, "a", buffering=1)
    kind = socket.SOCK_DGRAM if a.proto == "udp" else socket.SOCK_STREAM
    s = socket.socket(family(a.addr), kind)
    if a.addr == "::":
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    if a.proto == "tcp":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.addr, a.port))
    log = lambda peer, d: out.write("%s %s\n" % (peer[0].removeprefix("::ffff:"),
                                                 d.decode(errors="replace")))
    if a.proto == "udp":
        while True:
            d, peer = s.recvfrom(2048)
            log(peer, d)
    s.listen(16)

    def echo(c, peer):
        c.settimeout(3)
        try:
            d = c.recv(2048)
            log(peer, d)
            c.sendall(d)
        except OSError:
            pass
        c.close()
    while True:
        c, peer = s.accept()
        threading.Thread(target=echo, args=(c, peer), daemon=True).start()


def parse(argv):
    mac = lambda m: bytes.fromhex(m.replace(":", ""))
    p = argparse.ArgumentParser(prog="forge.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-i", dest="ifname", default="eth0")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("udp", "syn", "hijack"):
        c = sub.add_parser(name)
        if name == "udp":
            c.add_argument("-n", type=int, default=1)
        c.add_argument("dmac", type=mac)
        c.add_argument("src")
        c.add_argument("dst")
        c.add_argument("dport", type=int)
        if name == "udp":
            c.add_argument("data")
    sub.add_parser("garp").add_argument("ip")
    sub.add_parser("na").add_argument("target")
    c = sub.add_parser("log")
    c.add_argument("proto", choices=("udp", "tcp"))
    c.add_argument("port", type=int)
    c.add_argument("file")
    c.add_argument("addr", nargs="?", default="::")
    return p.parse_args(argv)


def main():
    a = parse(sys.argv[1:])
    if a.cmd == "log":
        return cmd_log(a)
    cmds = {"udp": cmd_udp, "syn": cmd_syn, "hijack": cmd_hijack, "garp": cmd_garp,
            "na": cmd_na}
    return cmds[a.cmd](Link(a.ifname), a)


if __name__ == "__main__":
    sys.exit(main())
