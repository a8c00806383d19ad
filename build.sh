#!/bin/sh
# Build slubsim from a clean clone: install missing build dependencies (when
# run as root on Debian), bootstrap autotools, configure and make.
#   ./build.sh                    build
#   ./build.sh --enable-sanitizers   any arguments go to ./configure
set -eu
cd "$(dirname "$0")"

deps="gcc make autoconf automake pkg-config check libncurses-dev libcairo2-dev tmux xz-utils python3 ${BUILD_EXTRA_DEPS:-}"
if command -v dpkg-query >/dev/null 2>&1; then
	missing=
	for p in $deps; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		if [ "$(id -u)" -eq 0 ]; then
			echo "build.sh: installing$missing" >&2
			apt-get update -qq
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
		else
			echo "build.sh: missing packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
			exit 1
		fi
	fi
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ "$#" -gt 0 ] || [ configure -nt config.status ]; then
	./configure -q "$@"
fi
make -j"$(nproc 2>/dev/null || echo 2)"
