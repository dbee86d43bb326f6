# bench/lib.sh: shared by the benchmarks (sourced). Percentiles of a file of
# microsecond values, printed in ms; ratios; one table row.

# pct FILE P : the P-th percentile of FILE's numbers (us), in ms with 2 decimals.
pct() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
		if (NR == 0) { printf "-"; exit }
		r = int((p / 100) * NR + 0.999); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }'
}

# ratio OURS REF : "0.25x" (ours / reference; below 1 is faster).
ratio() { awk -v o="$1" -v r="$2" 'BEGIN { if (r + 0 == 0) print "-"; else printf "%.2fx", o / r }'; }

# row LABEL OURSFILE REFFILE : label, p50s, p90s, ratio of the p50s.
row() {
	local o r
	o=$(pct "$2" 50); r=$(pct "$3" 50)
	printf '%-14s %9s %9s %9s %9s %7s\n' "$1" "$o" "$r" "$(pct "$2" 90)" "$(pct "$3" 90)" \
		"$(ratio "$o" "$r")"
}

row_header() {
	printf '%-14s %9s %9s %9s %9s %7s\n' "" "ours p50" "ref p50" "ours p90" "ref p90" ratio
}
