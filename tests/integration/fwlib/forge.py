#!/usr/bin/python3
# Forged packets for the attack tests (no scapy here): raw Ethernet frames written on
# an interface with AF_PACKET, as a process with NET_RAW can.
#   forge.py syn IF DSTMAC SRC DST DPORT   TCP SYN from SRC; prints what came back to
#                                          it within 1 s: synack, rst or none;
#                                          exit 0 only for synack
#   forge.py udp IF DSTMAC SRC DST DPORT WORD   three UDP datagrams carrying WORD
#   forge.py udplog ADDR PORT FILE         UDP server on ADDR:PORT appending each
#                                          datagram to FILE (runs until killed)
import random, socket, struct, sys, time

ETH_P_ALL, ETH_P_IP, ETH_P_IPV6 = 0x0003, 0x0800, 0x86DD

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))

def frame(srcmac, dstmac, src, dst, proto, l4):
    """Ethernet + IPv4/IPv6 header around @l4 (its checksum field still zero)."""
    v6 = ":" in dst
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    pseudo = s + d + (struct.pack("!IxxxB", len(l4), proto) if v6 else
                      struct.pack("!xBH", proto, len(l4)))
    off = 16 if proto == socket.IPPROTO_TCP else 6
    c = csum(pseudo + l4) or 0xFFFF
    l4 = l4[:off] + struct.pack("!H", c) + l4[off + 2:]
    if v6:
        ip = struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + s + d
    else:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), random.randint(0, 65535),
                         0, 64, proto, 0, s, d)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return mac(dstmac) + srcmac + struct.pack("!H", ETH_P_IPV6 if v6 else ETH_P_IP) + ip + l4

def send(ifname, dstmac, src, dst, proto, l4):
    """One frame out of @ifname; returns the socket, which also sees what comes back."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.send(frame(s.getsockname()[4], dstmac, src, dst, proto, l4))
    return s

def syn(ifname, dstmac, src, dst, dport):
    sport = random.randint(20000, 60000)
    l4 = struct.pack("!HHIIBBHHH", sport, dport, random.randint(0, 2**32 - 1), 0,
                     5 << 4, 0x02, 64240, 0, 0)
    s = send(ifname, dstmac, src, dst, socket.IPPROTO_TCP, l4)
    s.settimeout(0.2)
    end = time.time() + 1.0
    v6 = ":" in dst
    while time.time() < end:
        try:
            pkt, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        et = struct.unpack("!H", pkt[12:14])[0]
        if et == ETH_P_IPV6 and v6 and pkt[20] == socket.IPPROTO_TCP:
            tcp = pkt[14 + 40:]
        elif et == ETH_P_IP and not v6 and pkt[23] == socket.IPPROTO_TCP:
            tcp = pkt[14 + (pkt[14] & 0xF) * 4:]
        else:
            continue
        sp, dp = struct.unpack("!HH", tcp[:4])
        if dp != sport:
            continue
        flags = tcp[13]
        print("synack" if flags & 0x12 == 0x12 else "rst" if flags & 0x04 else "other")
        return 0 if flags & 0x12 == 0x12 else 1
    print("none")
    return 1

def udp(ifname, dstmac, src, dst, dport, word):
    data = word.encode()
    l4 = struct.pack("!HHHH", random.randint(20000, 60000), dport, 8 + len(data), 0) + data
    for _ in range(3):
        send(ifname, dstmac, src, dst, socket.IPPROTO_UDP, l4).close()
        time.sleep(0.05)
    return 0

def udplog(addr, port, path):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    with open(path, "a") as f:
        while True:
            d, peer = s.recvfrom(2048)
            f.write("%s from %s\n" % (d.decode(errors="replace"), peer[0]))
            f.flush()

def main(a):
    if a[0] == "syn":
        return syn(a[1], a[2], a[3], a[4], int(a[5]))
    if a[0] == "udp":
        return udp(a[1], a[2], a[3], a[4], int(a[5]), a[6])
    if a[0] == "udplog":
        return udplog(a[1], int(a[2]), a[3])
    print(__doc__ or "usage: see the header", file=sys.stderr)
    return 2

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
