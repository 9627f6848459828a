#!/bin/sh
# herd7.sh [DIR] - herd7 (herdtools7) as a test-time reference for
# `vmlock litmus`; the product never depends on it.
#
# Debian ships herdtools7 in sid only, built against a newer glibc than
# bookworm's: the script downloads herdtools7, libc6 and libgmp10 from sid
# with apt's ordinary client and a private list and cache under DIR/apt
# (the system's apt configuration is neither read for sources nor written),
# unpacks them under DIR/x, and writes DIR/herd7, a wrapper that runs the
# binary through sid's own dynamic loader with sid's libraries and
# herdtools7's library directory.  Prints the wrapper's path.
#
# Idempotent: with DIR/herd7 present it prints it and does no network
# access.  DIR defaults to build/herd7.
set -eu
DIR=${1:-build/herd7}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
[ -x "$DIR/herd7" ] && "$DIR/herd7" -version >/dev/null 2>&1 && { echo "$DIR/herd7"; exit 0; }

APT=$DIR/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
printf 'deb http://deb.debian.org/debian sid main\n' >"$APT/sources.list"
set -- -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null \
	-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" \
	-o Dir::State::status=/dev/null
apt-get "$@" -qq update >&2
rm -f "$APT"/*.deb
(cd "$APT" && apt-get "$@" -qq download herdtools7 libc6 libgmp10 >&2)
rm -rf "$DIR/x"
for f in "$APT"/*.deb; do dpkg-deb -x "$f" "$DIR/x"; done
L=$DIR/x/usr/lib/x86_64-linux-gnu
cat >"$DIR/herd7" <<EOW
#!/bin/sh
# herd7 through sid's loader (written by tools/herd7.sh)
case "\${1:-}" in
diy7|diyone7) t=\$1; shift; exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$DIR/x/usr/bin/\$t" "\$@" ;;
esac
exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$DIR/x/usr/bin/herd7" -set-libdir "$DIR/x/usr/share/herdtools7/herd" "\$@"
EOW
chmod +x "$DIR/herd7"
"$DIR/herd7" -version >&2
echo "$DIR/herd7"
