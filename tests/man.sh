#!/bin/sh
# The manual pages format without a warning from man and groff.
. "$(dirname "$0")/lib.sh"
command -v man >/dev/null 2>&1 || { echo "no man: skipped"; exit 77; }
err=$(mktemp) || exit 99
trap 'rm -f "$err"' EXIT
for page in "$srcdir"/man/*.[1-8]; do
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>"$err"
	if [ -s "$err" ]; then
		not_ok "$(basename "$page"): warnings"
		cat "$err" >&2
	else
		ok
	fi
done
finish
