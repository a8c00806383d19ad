#!/bin/sh
# struct kmem_cache of every kmalloc cache (normal, cg, rcl, dma) against
# real Linux 6.1 and 6.12 kernels (x86_64, arm64): the probe module's CACHE records hold what sysfs does
# not show (the free pointer offset, inuse, red_left_pad, the fallback order,
# cpu_partial_slabs, usersize); `slubsim caches --format=json` has them all.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "python3 not installed: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

for dir in $(oracle_probe_dirs); do
	oracle_model "$dir"
	if ! oracle_slubsim caches --format=json >"$tmp/caches.json" 2>"$tmp/err"; then
		not_ok "$name: caches --format=json"
		cat "$tmp/err" >&2
		continue
	fi
	if python3 - "$tmp/caches.json" "$dir/probe.txt" >"$tmp/out" 2>&1 <<'PY'
import json, sys
model = {c["name"]: c for c in json.load(open(sys.argv[1]))}
# probe key -> slubsim's JSON key
keys = {"object_size": "object_size", "size": "slab_size", "align": "align", "inuse": "inuse",
        "offset": "offset", "red_left_pad": "red_left_pad", "order": "order", "objects": "objs_per_slab",
        "min_order": "min_order", "min_objects": "min_objects", "cpu_partial": "cpu_partial",
        "cpu_partial_slabs": "cpu_partial_slabs", "min_partial": "min_partial", "usersize": "usersize"}
caches = compared = bad = 0
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    if f[0] != "CACHE":
        continue
    caches += 1
    kv = dict(x.split("=", 1) for x in f[2:])
    if f[1] not in model:
        print(f"{f[1]}: the kernel has it, the model does not")
        bad += 1
        continue
    for k, mk in keys.items():
        compared += 1
        if str(model[f[1]][mk]) != kv[k]:
            print(f"{f[1]}: {k} is {kv[k]} in the kernel, {model[f[1]][mk]} in the model")
            bad += 1
print(f"{caches} caches, {compared} fields, {bad} differ")
sys.exit(1 if bad or not caches else 0)
PY
	then
		ok
		echo "$name: $(tail -n 1 "$tmp/out")"
	else
		not_ok "$name struct kmem_cache"
		cat "$tmp/out" >&2
	fi
done
finish
