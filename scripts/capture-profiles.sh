#!/bin/sh
# capture-profiles.sh: learn memory profiles from real software running on
# this machine (issue 11 part 3; docs/SIMULATION.md, "Profiles learned from
# real software").  Each capture runs a workload, waits for it at its peak,
# and runs `hiblab learn --source proc:PID` on it (the process is stopped
# only while its resident pages are read).  Writes one .prof per workload,
# with a comment header saying how it was captured; never a dump.
#
#   scripts/capture-profiles.sh [WHAT...]       (from the repository root)
#
# WHAT: sqlite, gcc, xz (default: all three).
#   sqlite  sqlite3 building an in-memory database (SQLITE_ROWS rows, two
#           indexes, a 2 GiB page cache), then running aggregate, join and
#           range queries; learned once the queries are done, the process
#           holding all of it.
#   gcc     gcc -O2 on a generated translation unit of GCC_FUNCS functions
#           (~65 lines each); the compile is run twice: the first to
#           measure cc1's peak VmRSS, the second to learn when cc1's VmRSS
#           reaches 97% of it.
#   xz      xz -9 (one thread) compressing XZ_LINES generated log lines
#           (~90 bytes each): its 64 MiB dictionary of text and the
#           binary-tree match finder's pointer-rich tables; learned when
#           VmRSS reaches XZ_LEARN_MIB.
# Environment: HIBLAB (default build/hiblab), OUT (default sim/profiles),
# SQLITE_ROWS (default 2000000), GCC_FUNCS (default 1000), XZ_LINES
# (default 2000000), XZ_LEARN_MIB (default 128), WORK (a scratch
# directory; default a new one under ${TMPDIR:-/tmp}, removed at the end).
# Needs sqlite3, gcc and xz (Debian: apt-get install sqlite3 gcc xz-utils), and the right
# to read /proc/PID/mem of one's own children (the default ptrace scope).
set -eu

HIBLAB=${HIBLAB:-build/hiblab}
OUT=${OUT:-sim/profiles}
SQLITE_ROWS=${SQLITE_ROWS:-2000000}
GCC_FUNCS=${GCC_FUNCS:-1000}
XZ_LINES=${XZ_LINES:-2000000}
XZ_LEARN_MIB=${XZ_LEARN_MIB:-128}
own_work=
if [ -z "${WORK:-}" ]; then
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/capture.XXXXXX")
	own_work=1
fi
child=

cleanup() {
	if [ -n "$child" ]; then
		kill "$child" 2>/dev/null || true
	fi
	if [ -n "$own_work" ]; then
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "capture-profiles: $*" >&2
	exit 1
}

[ -x "$HIBLAB" ] || die "$HIBLAB: not built (run make)"
mkdir -p "$OUT"

# kB of a process's resident memory, 0 once it is gone
rss_of() {
	awk '/^VmRSS:/ { print $2; found = 1 } END { if (!found) print 0 }' \
		"/proc/$1/status" 2>/dev/null || echo 0
}

# learn NAME PID HOW: learn from the live process into $OUT/NAME.prof, with a
# comment header saying HOW it was captured, on what and when.
learn() {
	name=$1 pid=$2 how=$3
	rss=$(rss_of "$pid")
	echo "capture-profiles: learning $name from pid $pid (VmRSS $((rss / 1024)) MiB)"
	# learn prints the original's figures beside memory generated from the
	# profile it wrote, at the original's size
	"$HIBLAB" learn --source "proc:$pid" --out "$WORK/$name.prof" | tee "$WORK/$name.txt"
	{
		head -n 1 "$WORK/$name.prof"  # the version line comes first
		echo "# $name: $how"
		echo "# captured by scripts/capture-profiles.sh on $(date -u +%Y-%m-%d),"
		echo "# $(uname -sm), $(nproc) CPUs, $(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo) MiB;"
		echo "# the process had VmRSS $((rss / 1024)) MiB; $("$HIBLAB" --version)"
		sed 's/^/# /' "$WORK/$name.txt"
		tail -n +2 "$WORK/$name.prof"
	} >"$OUT/$name.prof"
	echo "capture-profiles: wrote $OUT/$name.prof"
}

capture_sqlite() {
	command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"
	mkfifo "$WORK/sql"
	sqlite3 :memory: <"$WORK/sql" >"$WORK/sql.out" 2>&1 &
	child=$!
	exec 3>"$WORK/sql"
	cat >&3 <<EOF
PRAGMA cache_size = -2000000;
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, email TEXT, city TEXT,
                      created INTEGER, balance REAL);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, item TEXT,
                    quantity INTEGER, price REAL, placed INTEGER, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $SQLITE_ROWS / 10)
INSERT INTO customer SELECT i, 'customer ' || i, 'user' || i || '@example.org',
       CASE i % 7 WHEN 0 THEN 'Amsterdam' WHEN 1 THEN 'Berlin' WHEN 2 THEN 'Lisbon'
                  WHEN 3 THEN 'Madrid' WHEN 4 THEN 'Oslo' WHEN 5 THEN 'Paris' ELSE 'Rome' END,
       1700000000 + i * 37, (abs(random()) % 1000000) / 100.0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $SQLITE_ROWS)
INSERT INTO orders SELECT i, 1 + abs(random()) % ($SQLITE_ROWS / 10),
       'item-' || (abs(random()) % 5000), 1 + abs(random()) % 20,
       (abs(random()) % 100000) / 100.0, 1700000000 + i * 3 + abs(random()) % 3,
       CASE WHEN i % 4 = 0 THEN hex(randomblob(12)) ELSE 'shipped, thank you for your order' END
FROM n;
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_item_placed ON orders(item, placed);
SELECT city, count(*), sum(o.quantity * o.price) FROM orders o JOIN customer c ON c.id = o.customer
GROUP BY city ORDER BY city;
SELECT item, count(*) FROM orders WHERE item BETWEEN 'item-100' AND 'item-200' GROUP BY item
ORDER BY 2 DESC LIMIT 3;
SELECT count(*) FROM orders WHERE customer IN (SELECT id FROM customer WHERE city = 'Oslo');
SELECT 'READY';
EOF
	while ! grep -q '^READY$' "$WORK/sql.out"; do
		kill -0 "$child" 2>/dev/null || die "sqlite3 ended early: $(cat "$WORK/sql.out")"
		sleep 1
	done
	learn sqlite "$child" "sqlite3 :memory:, $SQLITE_ROWS orders and $((SQLITE_ROWS / 10)) customers, two indexes, PRAGMA cache_size=-2000000, aggregate/join/range queries done; learned from proc:PID"
	echo .quit >&3
	exec 3>&-
	wait "$child" || true
	child=
}

# A translation unit of $1 functions: structs, loops, switches, calls, so
# that -O2 inlines, unrolls and keeps much in memory.
make_unit() {
	awk -v n="$1" 'BEGIN {
		print "#include <stddef.h>\n#include <string.h>"
		print "struct rec { int id; double w; char name[24]; struct rec *next; };"
		for (i = 0; i < n; i++) {
			printf "static int helper%d(const struct rec *r, int k)\n{\n", i
			printf "\tint s = %d;\n\twhile (r) {\n\t\ts += r->id * k + (int)r->w;\n", i
			printf "\t\tif (r->name[0] == %d) s ^= %d;\n\t\tr = r->next;\n\t}\n\treturn s;\n}\n", i % 97, i
			printf "int work%d(struct rec *a, size_t n, int mode)\n{\n", i
			print "\tint acc = 0;\n\tsize_t j;\n\tfor (j = 0; j < n; j++) {"
			print "\t\tswitch ((mode + (int)j) % 6) {"
			for (c = 0; c < 6; c++)
				printf "\t\tcase %d: acc += a[j].id * %d + helper%d(&a[j], %d); break;\n", c, c + i, i, c
			print "\t\t}"
			printf "\t\ta[j].w = a[j].w * %d.5 + acc;\n", i % 13
			printf "\t\tif (acc > %d) strcpy(a[j].name, \"function %d\");\n", i * 7, i
			print "\t}"
			for (c = 0; c < 8; c++)
				printf "\tif (mode == %d) acc = acc * %d + (int)n;\n", c, c + 3
			if (i > 0)
				printf "\treturn acc + work%d(a, n / 2, mode + 1);\n}\n", i - 1
			else
				print "\treturn acc;\n}"
		}
	}'
}

# compile the unit with gcc -O2 in the background; sets child to cc1's pid
# once it exists (gcc runs cc1 as its child)
start_compile() {
	gcc -O2 -c -o "$WORK/big.o" "$WORK/big.c" &
	driver=$!
	child=
	while [ -z "$child" ]; do
		kill -0 "$driver" 2>/dev/null || die "gcc ended before cc1 started"
		child=$(pgrep -P "$driver" -x cc1 || true)
		[ -n "$child" ] || sleep 0.1
	done
}

capture_gcc() {
	make_unit "$GCC_FUNCS" >"$WORK/big.c"
	lines=$(wc -l <"$WORK/big.c")
	echo "capture-profiles: gcc -O2 on $lines lines, first to find cc1's peak"
	start_compile
	peak=0
	while kill -0 "$child" 2>/dev/null; do
		rss=$(rss_of "$child")
		[ "$rss" -le "$peak" ] || peak=$rss
		sleep 0.2
	done
	wait "$driver" || die "gcc failed on the generated unit"
	want=$((peak * 97 / 100))
	echo "capture-profiles: cc1 peaked at $((peak / 1024)) MiB; again, learning at $((want / 1024)) MiB"
	start_compile
	while [ "$(rss_of "$child")" -lt "$want" ]; do
		kill -0 "$child" 2>/dev/null || die "cc1 ended below $((want / 1024)) MiB"
		sleep 0.05
	done
	learn gcc "$child" "gcc -O2 -c on a generated unit of $lines lines ($GCC_FUNCS functions, scripts/capture-profiles.sh make_unit), cc1 at 97% of its peak VmRSS of $((peak / 1024)) MiB; learned from proc:PID"
	wait "$driver" || true
	child=
}

capture_xz() {
	command -v xz >/dev/null || die "xz not found (apt-get install xz-utils)"
	awk -v n="$XZ_LINES" 'BEGIN {
		srand(7)
		for (i = 0; i < n; i++)
			printf "%d host%02d sshd[%d]: Accepted publickey for user%d from 10.%d.%d.%d port %d\n",
				1700000000 + i, i % 17, 1000 + i % 997, int(rand() * 500),
				int(rand() * 256), int(rand() * 256), int(rand() * 256),
				1024 + int(rand() * 60000)
	}' >"$WORK/log.txt"
	echo "capture-profiles: xz -9 on $(wc -c <"$WORK/log.txt") bytes of log lines"
	xz -9 -T1 -c "$WORK/log.txt" >/dev/null &
	child=$!
	want=$((XZ_LEARN_MIB * 1024))
	while [ "$(rss_of "$child")" -lt "$want" ]; do
		kill -0 "$child" 2>/dev/null || die "xz ended below $XZ_LEARN_MIB MiB"
		sleep 0.05
	done
	learn xz "$child" "xz -9 -T1 compressing $XZ_LINES generated sshd log lines, learned at VmRSS $XZ_LEARN_MIB MiB (its dictionary and match-finder tables); learned from proc:PID"
	kill "$child" 2>/dev/null || true
	wait "$child" 2>/dev/null || true
	child=
}

[ $# -gt 0 ] || set -- sqlite gcc xz
for what in "$@"; do
	case $what in
	sqlite) capture_sqlite ;;
	gcc) capture_gcc ;;
	xz) capture_xz ;;
	*) die "unknown capture '$what' (sqlite, gcc, xz)" ;;
	esac
done
