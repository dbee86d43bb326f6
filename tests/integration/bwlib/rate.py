#!/usr/bin/env python3
"""rate.py IF SECONDS PROTO: sample IF's rx counters every second (in the caller's netns,
which must have its own /sys mounted, as `ip netns exec` does) and print one line:
  total_bits_per_s_after_first_second per_second_bits...
Rates are L2 bytes (Ethernet header included, FCS not), as TBF counts them.

TCP: a veth hands GSO/GRO trains over as one skb, so rx_bytes holds one set of headers
(14 Ethernet + 20 IPv4 + 32 TCP with timestamps = 66 bytes) per skb where the shaper
charged one per segment. The wire bytes are then the payload (rx_bytes less 66 per
packet) times (MSS + 66) / MSS, MSS 1448 at MTU 1500: every segment but a train's
last is full-size in a bulk transfer. UDP datagrams (1400 bytes) are counted as they are."""
import sys
import time

def read(path):
    with open(path) as f:
        return int(f.read())

HDR, MSS = 66, 1448

def wire(path, tcp):
    b = read(path + "rx_bytes")
    if not tcp:
        return b
    payload = b - HDR * read(path + "rx_packets")
    return payload * (MSS + HDR) / MSS

def main():
    ifname, secs, tcp = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "tcp"
    path = "/sys/class/net/%s/statistics/" % ifname
    samples = [(time.monotonic(), wire(path, tcp))]
    t0 = samples[0][0]
    for i in range(1, secs + 1):
        delay = t0 + i - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        samples.append((time.monotonic(), wire(path, tcp)))
    per = []
    for (ta, ba), (tb, bb) in zip(samples, samples[1:]):
        per.append(8 * (bb - ba) / (tb - ta))
    (t1, b1), (tn, bn) = samples[1], samples[-1]
    total = 8 * (bn - b1) / (tn - t1) if tn > t1 else 0
    print("%.0f %s" % (total, " ".join("%.0f" % p for p in per)))

main()
