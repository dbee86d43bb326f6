#!/usr/bin/env bash
# bench/summary.sh TSV... : the markdown table of bench/chain.sh samples: per chain and
# size, ADD / CHECK / DEL medians (ms) ours vs reference with ratios, and first-10 vs
# last-10 ADD medians.
set -eu
awk -F'\t' '
function med(key,   n, i, j, t, b, parts) {
	n = split(vals[key], parts, " ")
	for (i = 1; i <= n; i++) b[i] = parts[i] + 0
	for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j > 0 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
	return n ? b[int((n + 1) / 2)] / 1000 : -1
}
function cell(name, n, op,   o, r) {
	o = med(name SUBSEP n SUBSEP "ours" SUBSEP op); r = med(name SUBSEP n SUBSEP "ref" SUBSEP op)
	if (o < 0 || r < 0) return "- | - | -"
	return sprintf("%.2f | %.2f | **%.2fx**", o, r, o / r)
}
{
	key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
	vals[key] = vals[key] " " $6
	if (!(($1, $2) in seen)) { seen[$1, $2] = 1; order[++no] = $1 SUBSEP $2 }
	if ($4 == "add") {
		c = ++cnt[$1, $2, $3]
		if (c <= 10) first[$1, $2, $3] = first[$1, $2, $3] " " $6
		lastq[$1, $2, $3, c % 10] = $6
	}
}
END {
	print "| chain | N | ADD ours | ADD ref | ADD ratio | CHECK ours | CHECK ref | CHECK ratio | DEL ours | DEL ref | DEL ratio | ADD first-10 → last-10, ours | same, ref |"
	print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
	for (k = 1; k <= no; k++) {
		split(order[k], p, SUBSEP)
		fl = ""
		for (w = 0; w < 2; w++) {
			who = w ? "ref" : "ours"
			if (p[2] == 1) { fl = fl " | -"; continue }
			vals["f"] = first[p[1], p[2], who]
			vals["l"] = ""
			for (q = 0; q < 10; q++) vals["l"] = vals["l"] " " lastq[p[1], p[2], who, q]
			fl = fl sprintf(" | %.2f → %.2f", med("f"), med("l"))
		}
		printf "| %s | %s | %s | %s | %s%s |\n", p[1], p[2], cell(p[1], p[2], "add"),
			cell(p[1], p[2], "check"), cell(p[1], p[2], "del"), fl
	}
}' "$@"
