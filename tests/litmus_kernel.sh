#!/bin/sh
# litmus_kernel.sh VMLOCK KNOWN [TREE] - `vmlock litmus` on the kernel's own
# litmus tests (TREE/tools/memory-model/litmus-tests and
# TREE/Documentation/litmus-tests, from tools/kernel-source.sh --litmus).
#
# Every test must be `ok` but those listed in KNOWN
# (tests/litmus/kernel-known.txt: the tests the simulator's blind spots
# could decide, which must be `unsupported` with that reason while our
# hidden verdict still differs from the LKMM's, each with its cause), and
# the 7.3 tree's 47 must all be there (litmus_known.py).  A listed test that
# turns `ok` or DISAGREE fails, as does any other test that is not `ok`.
# Without a tree: exit 77 (skipped), saying so.
set -eu
VMLOCK=$1 KNOWN=$2
TREE=${3:-${VMLOCK_KERNEL_SRC:-}}
if [ -z "$TREE" ] || [ ! -d "$TREE/tools/memory-model/litmus-tests" ] ||
	[ ! -d "$TREE/Documentation/litmus-tests" ]; then
	echo "litmus_kernel: no kernel tree with its litmus tests (tools/kernel-source.sh --litmus, then VMLOCK_KERNEL_SRC=<tree>): skipped"
	exit 77
fi
exec python3 "$(dirname "$0")/litmus_known.py" "$VMLOCK" "$KNOWN" 47 \
	"$TREE/tools/memory-model/litmus-tests" "$TREE/Documentation/litmus-tests"
