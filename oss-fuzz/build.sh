#!/bin/bash -eu
# OSS-Fuzz's build script for vmlock-fuzz: the repository's own build.sh,
# which reads CC, CXX, CFLAGS, CXXFLAGS, LIB_FUZZING_ENGINE, OUT, SRC, WORK.
exec "$SRC/vmlock-fuzz/build.sh"
