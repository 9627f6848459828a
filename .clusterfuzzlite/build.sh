#!/bin/bash -eu
# ClusterFuzzLite's build script: the repository's own build.sh.
exec "$SRC/vmlock-fuzz/build.sh"
