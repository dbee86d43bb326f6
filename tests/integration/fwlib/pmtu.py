#!/usr/bin/python3
# PMTU discovery across net-N-host, with real packets:
#   pmtu.py host ADDR PORT FILE   UDP (DF) to ADDR:PORT, the local port into FILE, then
#                                 waits for FILE.done and prints the path MTU it learned
#   pmtu.py forge GW ADDR PORT SPORT MTU   in the container: ICMP "fragmentation needed"
#                                 (MTU) to GW about the host's datagram GW:SPORT -> ADDR:PORT
import os, socket, struct, sys, time

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

def host(addr, port, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, 10, 2)          # IP_MTU_DISCOVER = IP_PMTUDISC_DO
    s.connect((addr, port))
    s.send(b"x" * 100)
    with open(path + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(path + ".tmp", path)
    for _ in range(50):
        if os.path.exists(path + ".done"):
            break
        time.sleep(0.1)
    time.sleep(0.2)
    try:
        s.send(b"x" * 1400)                         # over the learned MTU: EMSGSIZE
    except OSError:
        pass
    print(s.getsockopt(socket.IPPROTO_IP, 14))      # IP_MTU

def forge(gw, addr, port, sport, mtu):
    udp = struct.pack("!HHHH", sport, port, 108, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 128, 0, 0x4000, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton(gw), socket.inet_aton(addr))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    body = struct.pack("!HH", 0, mtu) + ip + udp
    icmp = struct.pack("!BBH", 3, 4, 0) + body
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    r.sendto(icmp, (gw, 0))

if sys.argv[1] == "host":
    host(sys.argv[2], int(sys.argv[3]), sys.argv[4])
else:
    forge(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
