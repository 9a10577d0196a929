#!/bin/sh
# report.html in a browser: scenarios/smoke.scn's report opens in headless
# Chromium, renders (a screenshot of the expected size that is not a blank
# page, no console message), holds every chart and the runs' table, and
# asks for nothing outside itself.
# Usage: HIBLAB=build/hiblab sh tests/report.sh   (chromium and gnuplot: make deps)
set -u

NAME=report
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"

WIDTH=1280
HEIGHT=4000
CHROMIUM=${CHROMIUM:-chromium}

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	echo "report: $CHROMIUM is not installed (make deps installs it)" >&2
	exit 1
fi
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "report: gnuplot is not installed (make deps installs it)" >&2
	exit 1
fi

# browse ARGS... URL: one headless Chromium, its own profile, at most 60 s
browse() {
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TMP/profile" --window-size="$WIDTH,$HEIGHT" "$@"
}

# png_size FILE: "WIDTH HEIGHT" from the IHDR chunk, "" for what is not a PNG
png_size() {
	[ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = "89504e470d0a1a0a" ] || return 0
	od -An -tu1 -j16 -N8 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4,
		$5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }'
}

"$HIBLAB" run scenarios/smoke.scn --quiet --out "$TMP/smoke" >"$TMP/run.out" 2>&1 ||
	bad "hiblab run smoke: $(tail -n 3 "$TMP/run.out")"
page="$TMP/smoke/report.html"
check "report.html is written" test -s "$page"

# self-contained: no URL, no script, nothing loaded from anywhere
check_not "report.html names no URL" grep -qiE 'https?:' "$page"
check_not "report.html loads nothing" grep -qiE 'src=|<link|<script|@import|url\([^#]' "$page"

# rendered: a screenshot of the window's size, not a blank page (a blank
# page of the same size compresses to a small fraction of it), and no
# message on the console (the page has no script: any is an error)
browse --enable-logging=stderr --v=0 --screenshot="$TMP/report.png" "file://$page" \
	>"$TMP/browser.out" 2>"$TMP/browser.err"
check "chromium took a screenshot" test -s "$TMP/report.png"
size=$(png_size "$TMP/report.png")
if [ "$size" = "$WIDTH $HEIGHT" ]; then ok; else bad "screenshot: size '$size', expected $WIDTH $HEIGHT"; fi
if grep -E 'CONSOLE|Uncaught' "$TMP/browser.err" >"$TMP/console"; then
	bad "console messages: $(head -n 3 "$TMP/console")"
else
	ok
fi
printf '<!DOCTYPE html><html><body></body></html>\n' >"$TMP/blank.html"
browse --screenshot="$TMP/blank.png" "file://$TMP/blank.html" >/dev/null 2>&1
report_bytes=$(wc -c <"$TMP/report.png")
blank_bytes=$(wc -c <"$TMP/blank.png")
if [ "$report_bytes" -gt $((blank_bytes * 4)) ]; then ok
else bad "screenshot looks blank: $report_bytes bytes, a blank page $blank_bytes"; fi

# the DOM Chromium built: the runs' table with every run, and every chart
browse --dump-dom "file://$page" >"$TMP/dom.html" 2>/dev/null
check "the DOM holds the runs' table" grep -q '<table id="runs">' "$TMP/dom.html"
runs=$(($(wc -l <"$TMP/smoke/runs.csv") - 1))
rows=$(grep -o '<tr[ >]' "$TMP/dom.html" | wc -l)
# a row for each run at least (the headers' and the chains' come on top)
if [ "$rows" -gt "$runs" ]; then ok; else bad "the DOM holds $rows table rows, fewer than $runs runs"; fi
for chart in pareto throughput ratio; do
	if grep -q "<div class=\"chart\" id=\"chart-$chart\"><svg " "$TMP/dom.html"; then ok
	else bad "the DOM has no $chart chart"; fi
done
check "a refused run reads as refused, not 0.0" grep -q '— <small>refused</small>' "$TMP/dom.html"
check "the scenario file is on the page" grep -q 'name     = smoke' "$TMP/dom.html"

finish
