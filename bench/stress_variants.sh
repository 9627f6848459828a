#!/bin/sh
# stress_variants.sh [SECONDS] [STRESS] [CORPUS]
#
# The real-thread baseline: for the correct lock and each bug variant, run
# vmlock_stress (default: the tsan build) over the corpus for up to SECONDS
# (default 600) and print a markdown table: found or not, what found it
# (WARN, verdict, TSan or hang), the verdict, the seconds and iterations
# to the first finding (or in all, when nothing was found), and the
# iterations per second of a run that found nothing.
# A hang costs the watchdog's HANG seconds (default 10) before it counts.
# ROWS="a b" runs only those rows; LOGS=DIR keeps each row's output (the
# report, TSan's included) as DIR/VARIANT.log.  Wall-clock figures depend
# on the machine and its load.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
stress=${2:-$here/build/tsan/sanitizers/stress/vmlock_stress}
corpus=${3:-$here/corpus}
hang=${HANG:-10}
vmlock=$here/build/default/vmlock
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
logs=${LOGS:-$work}
mkdir -p "$logs"

[ -x "$stress" ] || { echo "stress_variants: no $stress (cmake --build --preset tsan)" >&2; exit 2; }

variants="relaxed-inc no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake"

# field NAME LINE: the value of NAME=... in a result line
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

echo "| variant | seed bug | found | what | verdict | seconds | iterations | iterations/s |"
echo "|---|---|---|---|---|---|---|---|"
for v in ${ROWS:-none $variants}; do
	log=$logs/$v.log
	# KILL: a process whose threads hang must not outlive its budget.
	VMLOCK_VARIANT=$v timeout -s KILL $((seconds + hang + 60)) \
		"$stress" --seconds "$seconds" --hang "$hang" "$corpus" >"$log" 2>&1 || true
	res=$(grep '^result:' "$log" | tail -1 || true)
	seed=$("$vmlock" variants 2>/dev/null | awk -v v="$v" '$1==v {print $2}' || true)
	s=$(field seconds "$res")
	it=$(field iterations "$res")
	case $res in
	"result: found "*)
		set -- $res
		printf '| %s | %s | yes | %s | %s | %s | %s | - |\n' "$v" "${seed:--}" "$3" "$4" "$s" "$it" ;;
	"result: clean "*)
		printf '| %s | %s | no | - | - | %s+ | %s+ | %s |\n' "$v" "${seed:--}" "$s" "$it" "$(field rate "$res" | tr -d /s)" ;;
	*)
		printf '| %s | %s | ? | no result line (killed?) | - | - | - | - |\n' "$v" "${seed:--}" ;;
	esac
done
