#!/bin/sh
# Real Linux 6.1 and 6.12 ftrace traces (tests/oracle/*/kmem.trace.xz) as a kernel developer replays them:
# - every kmem_cache_free with name=X of an object the trace allocated is counted in cache X, and so is the
#   kmem_cache_alloc that allocated it (the kernel prints name= on frees only before 6.19);
# - a free of an object allocated before the trace says so, and the summary counts them;
# - 6.10+ trace a large kmalloc twice at one pointer: one allocation; 6.1 traces are not affected;
# - a trace of a kernel configured otherwise (slub_debug) says so once, with a hint.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out

# names_ok TRACE EVENTS: the check on the names, from the trace's own lines and run --events' rows
names_ok() {
	awk -F'\t' '
	FNR == NR {
		if ($0 ~ /: kmem_cache_free: / && match($0, /name=[^ ]+/))
			name[FNR] = substr($0, RSTART + 5, RLENGTH - 5)
		next
	}
	/^#/ { next }
	$4 ~ /^kmem_cache_alloc/ { cache[$12] = $7; next }
	$4 ~ /^kmalloc/ { delete cache[$12]; next }
	$4 == "kmem_cache_free" && ($2 in name) {
		if ($9 == "before-trace") { pre++; next }
		checked++
		if ($7 != name[$2]) { bad++; if (bad < 5) print "line " $2 ": freed from " $7 ", the trace says " name[$2] }
		if (!($12 in cache)) { bad++; if (bad < 5) print "line " $2 ": no kmem_cache_alloc of " $12 }
		else if (cache[$12] != name[$2]) { bad++; if (bad < 5) print "line " $2 ": allocated in " cache[$12] ", the trace says " name[$2] }
		delete cache[$12]
	}
	END {
		print "checked " checked + 0 " named frees, " pre + 0 " of objects from before the trace"
		exit !(bad == 0 && checked > 1000)
	}' "$1" "$2"
}

for d in $(oracle_dirs kmem.trace.xz); do
	oracle_model "$d"
	trace=$tmp/$name.trace
	xz -dc "$d/kmem.trace.xz" >"$trace" || { not_ok "$name: cannot decompress"; continue; }
	if ! oracle_slubsim run -q --events "$trace" >"$tmp/events" 2>"$tmp/err"; then
		not_ok "$name: run --events failed"
		cat "$tmp/err" >&2
		continue
	fi
	if names_ok "$trace" "$tmp/events" >"$out"; then ok; else not_ok "$name: cache names"; cat "$out" >&2; fi
	oracle_slubsim run -q --summary "$trace" >"$tmp/summary" 2>"$tmp/err"
	check "$name: no named free counted elsewhere" grep -qx 'named frees of objects counted in another cache: 0' "$tmp/summary"
	check "$name: no configuration mismatch" test ! -s "$tmp/err"
	# the caches the trace names exist from its first event (as the kernel's did before the trace began), laid
	# out as the kernel's /proc/slabinfo shows them: object size, objects per slab, pages per slab
	learnt=$(sed -n 's/^cache names learnt from frees: //p' "$tmp/summary")
	oracle_slubsim caches --format=slabinfo >"$tmp/boot"
	oracle_slubsim run -q --until=1 --slabinfo "$trace" >"$out" 2>&1
	if awk -v want="$learnt" '
		FILENAME == ARGV[1] { boot[$1] = 1; next }
		FILENAME == ARGV[2] { if (FNR > 2) kernel[$1] = $4 " " $5 " " $6; next }
		FNR > 2 && !($1 in boot) && $1 !~ /^traced-/ {
			n++
			if (kernel[$1] != $4 " " $5 " " $6) { bad++; print $1 ": " $4 " " $5 " " $6 ", the kernel: " kernel[$1] }
		}
		END { print n + 0 " learnt caches at event 1, " want " names learnt"; exit !(n == want && want > 10 && !bad) }
	' "$tmp/boot" "$d/slabinfo.txt" "$out" >"$tmp/geometry"; then ok; else not_ok "$name: learnt caches at event 1"; cat "$tmp/geometry" >&2; fi
	# so do the caches it never names, traced-REQ-ALLOC, as the replay ends with them
	awk '/^traced-/ { print $1, $4, $5, $6 }' "$out" >"$tmp/traced1"
	oracle_slubsim run -q --slabinfo "$trace" 2>/dev/null | awk '/^traced-/ { print $1, $4, $5, $6 }' >"$tmp/traced"
	check "$name: the traced caches at event 1 ($(wc -l <"$tmp/traced1")) are those at the end" cmp -s "$tmp/traced1" "$tmp/traced"
	# standard input redirected from the file is a file: looked ahead in, from where the replay starts reading it
	(read -r _; oracle_slubsim run -q --summary --until=1 --slabinfo -) <"$trace" >"$out" 2>&1
	check "$name: standard input from a file is looked ahead in" sh -c \
		"grep -qx 'cache names learnt from frees: $learnt' '$out' && grep -q '^task_struct ' '$out'"
	# frees of objects from before the trace: each said in --events, all counted in the summary
	pre=$(awk -F'\t' '$9 == "before-trace"' "$tmp/events" | wc -l)
	check "$name: $pre frees from before the trace counted" \
		grep -qx "frees of objects allocated before the trace: $pre" "$tmp/summary"
	# numbered like every event (the TUI's numbers), with no model address
	check "$name: before-trace rows have an event number and no model address" \
		awk -F'\t' '$9 == "before-trace" && ($1 !~ /^[0-9]+$/ || $6 != "-") { exit 1 }' "$tmp/events"
	lost=$(sed -n 's/^allocations over a live pointer (lost frees): //p' "$tmp/summary")
	twice=$(sed -n 's/^large kmallocs traced twice (6.10+), counted once: //p' "$tmp/summary")
	case $kernel in
	6.1|6.1.*)
		check "$name: 6.1 traces each large kmalloc once" test -z "$twice"
		;;
	*)
		# only kmem_cache_free_bulk() (maple tree nodes) frees untraced
		check "$name: large kmallocs traced twice are one allocation ($lost lost frees)" test "${lost:-999}" -lt 10
		[ "${twice:-0}" -gt 100 ] && ok || not_ok "$name: only '${twice:-no}' large kmallocs traced twice"
		# the caller's record names the caller
		check "$name: the second record is the caller's" grep -q \
			"kmalloc.*the caller's record of the large kmalloc of event [0-9]*.*__kvmalloc_node_noprof" "$tmp/events"
		# the same trace on a 6.1 model: no pairing, and one hint that the trace is another kernel's
		"$SLUBSIM" --arch="$arch" --cmdline="$cmdline" run -q --summary "$trace" >"$out" 2>"$tmp/err"
		check "$name on 6.1: no pairing" sh -c "! grep -q 'traced twice' \"\$1\"" sh "$out"
		n=$(grep -c "configured otherwise" "$tmp/err")
		[ "$n" -eq 1 ] && grep -q -- "--kernel=" "$tmp/err" && ok ||
			{ not_ok "$name on 6.1: $n configuration notes, expected one naming --kernel"; cat "$tmp/err" >&2; }
		# on x86_64 without slub_debug the kmalloc sizes agree: the double record gives 6.12 away
		if [ "$arch" = x86_64 ] && [ -z "$cmdline" ]; then
			check "$name on 6.1: the note names 6.10+" grep -q "traced twice.*6.10+" "$tmp/err"
		fi
		;;
	esac
	case $cmdline in
	*slub_debug=*)
		# the same trace on a model without slub_debug: one note, with the hint
		"$SLUBSIM" --kernel="$kernel" --arch="$arch" run -q --summary "$trace" >"$out" 2>"$tmp/err"
		n=$(grep -c "configured otherwise" "$tmp/err")
		[ "$n" -eq 1 ] && grep -q "bytes_alloc.*--cmdline=slub_debug=" "$tmp/err" && ok ||
			{ not_ok "$name without slub_debug: $n configuration notes, expected one"; cat "$tmp/err" >&2; }
		check "$name without slub_debug: the summary counts them" grep -q "^sizes the model's configuration does not give: [1-9]" "$out"
		"$SLUBSIM" --kernel="$kernel" --arch="$arch" run -q --events "$trace" 2>/dev/null >"$out"
		n=$(grep -c "configured otherwise" "$out")
		[ "$n" -eq 1 ] && ok || not_ok "$name without slub_debug: $n event notes, expected one at the first event"
		;;
	esac
	# from a pipe the names are learnt as the replay goes: a cache fed by one call site takes its name; the
	# traced cache of another call site of it merges into it at the first free that names one of its objects
	cat "$trace" | oracle_slubsim run -q --summary --slabinfo - >"$out" 2>&1
	check "$name from a pipe: task_struct named" grep -q '^task_struct  *[1-9]' "$out"
	check "$name from a pipe: no named free counted elsewhere" \
		grep -qx 'named frees of objects counted in another cache: 0' "$out"
	check "$name from a pipe: call sites of one cache merged" grep -q '^traced caches a free named: [1-9][0-9]* renamed, [1-9][0-9]* merged' "$out"
done
# replay_as file|pipe TRACE ARGS...: slubsim ARGS with TRACE by its name or through a pipe; output in $out
replay_as() {
	how=$1 file=$2
	shift 2
	if [ "$how" = file ]; then
		"$SLUBSIM" "$@" "$file" >"$out" 2>&1
	else
		cat "$file" | "$SLUBSIM" "$@" - >"$out" 2>&1
	fi
}
# from a pipe each call site has a traced cache of its own: two caches of the same sizes take their names
ft() { printf '            init-1       [000] .....     6.84%04d: %s\n' "$1" "$2"; }
{
	echo '# tracer: nop'
	ft 1 'kmem_cache_alloc: call_site=alloc_a+0x10/0x80 ptr=ffff888000001000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 2 'kmem_cache_alloc: call_site=alloc_b+0x20/0x90 ptr=ffff888000002000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 3 'kmem_cache_alloc: call_site=alloc_a+0x10/0x80 ptr=ffff888000001040 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 4 'kmem_cache_alloc: call_site=alloc_b+0x20/0x90 ptr=ffff888000002040 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 5 'kmem_cache_free: call_site=free_a+0x5/0x40 ptr=ffff888000001000 name=cache_a'
	ft 6 'kmem_cache_free: call_site=free_b+0x5/0x40 ptr=ffff888000002000 name=cache_b'
	ft 7 'kmem_cache_free: call_site=free_a+0x5/0x40 ptr=ffff888000001040 name=cache_a'
} >"$tmp/sites.trace"
cat "$tmp/sites.trace" | "$SLUBSIM" run -s --slabinfo - >"$out" 2>&1
check 'pipe: every named free found its cache' grep -qx 'named frees of objects counted in another cache: 0' "$out"
check 'pipe: both caches named' sh -c "grep -q '^cache_a ' '$out' && grep -q '^cache_b ' '$out'"
check 'pipe: no traced cache left' sh -c "! grep -q '^traced-' '$out'"
"$SLUBSIM" run -s --slabinfo "$tmp/sites.trace" >"$out" 2>&1
check 'file: both caches named, none traced' sh -c "grep -q '^cache_b ' '$out' && ! grep -q '^traced-' '$out'"
# two call sites of one cache: the second site's traced cache merges into the cache the first one's free named,
# its objects with it (the one freed at the merge and the one still live)
{
	echo '# tracer: nop'
	ft 1 'kmem_cache_alloc: call_site=alloc_a+0x10/0x80 ptr=ffff888000001000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 2 'kmem_cache_alloc: call_site=alloc_b+0x20/0x90 ptr=ffff888000002000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 3 'kmem_cache_alloc: call_site=alloc_b+0x20/0x90 ptr=ffff888000002040 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 4 'kmem_cache_free: call_site=free_a+0x5/0x40 ptr=ffff888000001000 name=cache_a'
	ft 5 'kmem_cache_free: call_site=free_b+0x5/0x40 ptr=ffff888000002000 name=cache_a'
	ft 6 'kmem_cache_alloc: call_site=alloc_b+0x20/0x90 ptr=ffff888000002080 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 7 'kmem_cache_free: call_site=free_b+0x5/0x40 ptr=ffff888000002040 name=cache_a'
} >"$tmp/merge.trace"
cat "$tmp/merge.trace" | "$SLUBSIM" run -s --slabinfo - >"$out" 2>&1
check 'pipe, one cache at two call sites: every named free found its cache' \
	grep -qx 'named frees of objects counted in another cache: 0' "$out"
check 'pipe, one cache at two call sites: one renamed, one merged' \
	grep -qx 'traced caches a free named: 1 renamed, 1 merged into the cache of that name' "$out"
check 'pipe, one cache at two call sites: no traced cache left' sh -c "! grep -q '^traced-' '$out'"
cat "$tmp/merge.trace" | "$SLUBSIM" run -q --events - >"$out" 2>&1
check 'pipe, one cache at two call sites: the frees and the later allocation in cache_a' \
	awk -F'\t' '$1 >= 5 { n++; if ($7 != "cache_a") exit 1 } END { exit n != 3 }' "$out"
check 'pipe, one cache at two call sites: the merge is said where it happened' \
	grep -q '^5	.*traced-64-64-2 is cache_a, which another call site named first: 2 objects move there' "$out"
# a file's caches exist from boot: a replay that stops before the first event still has cache_a, empty ...
{
	echo '# tracer: nop'
	echo 'not an event line'
	ft 1 'kmem_cache_alloc: call_site=alloc_a+0x10/0x80 ptr=ffff888000001000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 2 'kmem_cache_free: call_site=free_a+0x5/0x40 ptr=ffff888000001000 name=cache_a'
} >"$tmp/stop.trace"
"$SLUBSIM" run --slabinfo "$tmp/stop.trace" >"$out" 2>/dev/null
check 'file: a replay stopped by an error before the first event has the learnt cache' grep -q '^cache_a  *0  *0  *64 ' "$out"
# 6.18+: the kernel's maple_node has percpu sheaves; from a pipe its traced cache, created without, moves into one
{
	echo '# tracer: nop'
	ft 1 'kmem_cache_alloc: call_site=mas_alloc_nodes+0x19a/0x540 ptr=ffff888000001000 bytes_req=256 bytes_alloc=256 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 2 'kmem_cache_alloc: call_site=mas_alloc_nodes+0x19a/0x540 ptr=ffff888000001100 bytes_req=256 bytes_alloc=256 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 3 'kmem_cache_free: call_site=rcu_do_batch+0x19a/0x540 ptr=ffff888000001000 name=maple_node'
} >"$tmp/maple.trace"
for how in file pipe; do
	replay_as $how "$tmp/maple.trace" --kernel=6.18 --cpus=2 run -q --sysfs
	check "6.18 $how: the learnt maple_node has sheaves of 32" \
		awk -F'\t' '$1 == "maple_node" && $2 == "sheaf_capacity" && $3 == 32 { f = 1 } END { exit !f }' "$out"
	check "6.18 $how: no traced cache left" sh -c "! grep -q '^traced-' '$out'"
done
cat "$tmp/maple.trace" | "$SLUBSIM" --kernel=6.18 --cpus=2 run -q --events - >"$out" 2>&1
check '6.18 pipe: the move is said' grep -q '^3	.*traced-256-256 is maple_node, a cache with percpu sheaves: 2 objects move there' "$out"
# sizes no cache can have are errors at their line, from boot's look-ahead or a pipe, not wrapped to 32 bits
{
	echo '# tracer: nop'
	ft 1 'kmem_cache_alloc: call_site=a+0x1/0x8 ptr=ffff888000001000 bytes_req=99999999 bytes_alloc=99999999 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 2 'kmem_cache_free: call_site=b+0x5/0x40 ptr=ffff888000001000 name=huge'
	ft 3 'kmem_cache_alloc: call_site=c+0x1/0x8 ptr=ffff888000002000 bytes_req=4294967297 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 4 'kmem_cache_free: call_site=b+0x5/0x40 ptr=ffff888000002000 name=wrap'
} >"$tmp/huge.trace"
for how in file pipe; do
	replay_as $how "$tmp/huge.trace" run -k --slabinfo
	check "$how: objects above KMALLOC_MAX_SIZE are an error at their line" \
		grep -q ':4:1: kmem_cache_alloc bytes_req=4294967297: no cache has objects that large' "$out"
	check "$how: no cache of such objects" sh -c "! grep -q '^wrap ' '$out'"
done
# 6.19+ names the cache on kmem_cache_alloc: those caches exist from boot too, and nothing is learnt from frees
{
	echo '# tracer: nop'
	ft 1 'kmem_cache_free: call_site=__fput+0x100/0x250 ptr=ffff888000009000 name=filp'
	ft 2 'kmem_cache_alloc: call_site=mas_alloc_nodes+0x19a/0x540 ptr=ffff888000001000 bytes_req=256 bytes_alloc=256 gfp_flags=GFP_KERNEL node=-1 accounted=false name=maple_node'
	ft 3 'kmem_cache_free: call_site=rcu_do_batch+0x19a/0x540 ptr=ffff888000001000 name=maple_node'
} >"$tmp/named.trace"
"$SLUBSIM" --kernel=6.19 run -q --summary --until=1 --slabinfo "$tmp/named.trace" >"$out" 2>&1
check '6.19: a cache the allocations name exists from boot' grep -q '^maple_node  *0  *0  *256 ' "$out"
check '6.19: no name learnt from frees' grep -qx 'cache names learnt from frees: 0' "$out"
# a cache created at boot whose traced sizes no layout of the model gives is said at its first allocation
{
	echo '# tracer: nop'
	ft 1 'kmem_cache_alloc: call_site=alloc_u+0x10/0x80 ptr=ffff888000001000 bytes_req=64 bytes_alloc=100 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 2 'kfree: call_site=free_u+0x5/0x40 ptr=ffff888000001000'
} >"$tmp/odd.trace"
"$SLUBSIM" run -q --summary "$tmp/odd.trace" >"$out" 2>&1
check 'file: a traced cache from boot with sizes the model cannot give is said at its allocation' \
	grep -q "odd.trace:2: traced-64-100: bytes_req=64 bytes_alloc=100 in the trace, 64 and 64 in the model" "$out"
# ... but when a kmalloc comes before the first kmem_cache event, every view creates them at that event
{
	echo '# tracer: nop'
	ft 1 'kmalloc: call_site=early+0x1/0x10 ptr=ffff888000003000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 2 'kmem_cache_alloc: call_site=alloc_a+0x10/0x80 ptr=ffff888000001000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false'
	ft 3 'kmem_cache_free: call_site=free_a+0x5/0x40 ptr=ffff888000001000 name=cache_a'
} >"$tmp/first.trace"
"$SLUBSIM" run --until=1 --slabinfo "$tmp/first.trace" >"$out" 2>&1
check 'file, a kmalloc first: no learnt cache after it' sh -c "! grep -q '^cache_a ' '$out'"
"$SLUBSIM" run --until=2 --slabinfo "$tmp/first.trace" >"$out" 2>&1
check 'file, a kmalloc first: the learnt cache from the first kmem_cache event' grep -q '^cache_a  *[1-9]' "$out"
finish
