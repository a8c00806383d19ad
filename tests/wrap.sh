#!/bin/sh
# lib.sh points $SLUBSIM here when SLUBSIM_WRAPPER is set: run the real binary
# under the wrapper command (e.g. valgrind), for every test that calls "$SLUBSIM".
# shellcheck disable=SC2086 # the wrapper is a command with its arguments
exec $SLUBSIM_WRAPPER "$SLUBSIM_REAL" "$@"
