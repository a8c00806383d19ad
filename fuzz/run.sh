#!/bin/sh
# Run one libFuzzer target for a bounded time:
#   fuzz/run.sh NAME SECONDS
# from a build directory configured with CC=clang --enable-fuzz (after make fuzz);
# FUZZ_BUILDDIR=DIR says where that is otherwise.
#
# 1. replays the committed inputs, fuzz/corpus/NAME/ and fuzz/regress/NAME/;
# 2. fuzzes for SECONDS, starting from them, with the dictionary fuzz/NAME.dict
#    if there is one. New corpus entries go to BUILDDIR/fuzz/corpus-run/NAME/
#    (not into the source tree); a crash, leak, hang (-timeout) or memory blow-up
#    (-rss_limit_mb) is saved under BUILDDIR/fuzz/artifacts/NAME/ and fails.
# A crashing input, once fixed, belongs in fuzz/regress/NAME/ so make check replays it.
set -eu
if [ "$#" -ne 2 ]; then
	echo "usage: $0 TARGET SECONDS" >&2
	exit 2
fi
name=$1
seconds=$2
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${FUZZ_BUILDDIR:-.}
bin=$builddir/fuzz/fuzz_$name
if [ ! -x "$bin" ]; then
	echo "$0: no $bin: configure with CC=clang --enable-fuzz and run make fuzz (see README.md)" >&2
	exit 2
fi
# libFuzzer's own limits: one input may take 10 s, the process 2 GB; inputs up to 4 KB
opts="-timeout=10 -rss_limit_mb=2048 -max_len=${FUZZ_MAX_LEN:-4096} -print_final_stats=1"
dict=$srcdir/fuzz/$name.dict
[ -f "$dict" ] && opts="$opts -dict=$dict"

# 1. the committed inputs, as files: libFuzzer runs each once
seeds=
for d in "$srcdir/fuzz/corpus/$name" "$srcdir/fuzz/regress/$name"; do
	[ -d "$d" ] && seeds="$seeds $(find "$d" -type f ! -name '.*' | sort | tr '\n' ' ')"
done
if [ -z "$(echo $seeds)" ]; then
	echo "$0: no committed inputs for $name in $srcdir/fuzz/corpus/$name" >&2
	exit 1
fi
echo "fuzz/run.sh: $name: replaying $(echo $seeds | wc -w) committed inputs"
# shellcheck disable=SC2086 # word splitting wanted: no blanks in corpus file names
"$bin" $opts $seeds >"$builddir/fuzz/replay-$name.log" 2>&1 || {
	cat "$builddir/fuzz/replay-$name.log" >&2
	echo "fuzz/run.sh: $name: a committed input fails" >&2
	exit 1
}

# 2. bounded fuzzing; the first corpus directory receives what libFuzzer finds
work=$builddir/fuzz/corpus-run/$name
art=$builddir/fuzz/artifacts/$name
mkdir -p "$work" "$art"
echo "fuzz/run.sh: $name: fuzzing for $seconds s"
# shellcheck disable=SC2086
if "$bin" $opts -max_total_time="$seconds" -artifact_prefix="$art/" "$work" "$srcdir/fuzz/corpus/$name"; then
	echo "fuzz/run.sh: $name: no fault in $seconds s"
else
	echo "fuzz/run.sh: $name: FAULT; the input is in $art/ (reproduce: $bin FILE)" >&2
	exit 1
fi
