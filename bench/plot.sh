#!/usr/bin/env bash
# bench/plot.sh TSV N OUT.svg : an SVG plot of ADD latency against container count
# (samples of bench/chain.sh at size N), ours and the reference, each smoothed with a
# running median of 9 so the trend shows through the noise.
set -eu
TSV=$1 N=$2 SVG=$3
awk -F'\t' -v N="$N" '
function median(a, n,   i, j, t, b) {
	for (i = 1; i <= n; i++) b[i] = a[i]
	for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j > 0 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
	return b[int((n + 1) / 2)]
}
$2 == N && $4 == "add" { v[$3, $5] = $6 / 1000; if ($5 > maxi) maxi = $5; name = $1 }
END {
	W = 720; H = 400; L = 60; R = 20; T = 40; B = 50
	for (w = 0; w < 2; w++) {
		who = w ? "ref" : "ours"
		for (i = 1; i <= maxi; i++) {
			n = 0
			for (k = i - 4; k <= i + 4; k++) if ((who, k) in v) win[++n] = v[who, k]
			s[who, i] = n ? median(win, n) : 0
			if (s[who, i] > ymax) ymax = s[who, i]
		}
	}
	step = ymax > 200 ? 50 : ymax > 100 ? 20 : ymax > 40 ? 10 : ymax > 20 ? 5 : 2
	ymax = (int(ymax / step) + 1) * step
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	printf "<text x=\"%d\" y=\"22\" font-size=\"15\">%s chain: ADD latency (ms) against containers on the network</text>\n", L, name
	for (y = 0; y <= ymax; y += step) {
		py = T + (H - T - B) * (1 - y / ymax)
		printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", L, py, W - R, py
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n", L - 6, py + 4, y
	}
	xs = maxi > 500 ? 200 : maxi > 100 ? 50 : 10
	for (x = 0; x <= maxi; x += xs) {
		px = L + (W - L - R) * x / maxi
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", px, H - B + 18, x
	}
	printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">containers already attached</text>\n", (W + L) / 2, H - 12
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, H - B, W - R, H - B
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, T, L, H - B
	for (w = 0; w < 2; w++) {
		who = w ? "ref" : "ours"
		color = w ? "#d62728" : "#1f77b4"
		printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color
		for (i = 1; i <= maxi; i++)
			printf "%.1f,%.1f ", L + (W - L - R) * i / maxi, T + (H - T - B) * (1 - s[who, i] / ymax)
		printf "\"/>\n"
		printf "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>", L + 20, T + 8 + 18 * w, color
		printf "<text x=\"%d\" y=\"%d\">%s</text>\n", L + 40, T + 14 + 18 * w, w ? "reference (Debian containernetworking-plugins)" : "netctl"
	}
	print "</svg>"
}' "$TSV" >"$SVG"
