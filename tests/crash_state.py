#!/usr/bin/env python3
"""crash_state.py VMLOCK CORPUS -- TARGET [ARG...]

The crash state ClusterFuzz (OSS-Fuzz, ClusterFuzzLite, CIFuzz) would give
each verdict the bug variants produce.  For every `expect VARIANT: VERDICT`
line of the corpus, the .vmt is encoded (`VMLOCK encode`) and run through
the fuzz target (`TARGET ARG... FILE` with VMLOCK_VARIANT set), the stack
the sanitizer or libFuzzer prints is read as ClusterFuzz reads it (the
frame's function, else its module), the frames its ignore list matches are
skipped, and the first three left are the crash state.

Checks: every run aborts with its verdict; the first kept frame is
vmlock_bug_<verdict> (fuzz/vmlock_fuzz.c); one verdict has one state
whatever the input (at least one verdict is seen from two inputs); two
verdicts never share a state.  A positive control first: the stack every
verdict had before the per-verdict frames (abort under report_and_abort)
gives the one state the checks must refuse.
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# ClusterFuzz's ignore list: STACK_FRAME_IGNORE_REGEXES and
# STACK_FRAME_IGNORE_REGEXES_IF_SYMBOLIZED in google/clusterfuzz,
# src/clusterfuzz/stacktraces/constants.py (read at commit 0284dc2), the
# entries that can match a C program on Linux; the platform ones (Android,
# Windows, Fuchsia, Go, Rust, Swift, Java, V8, Chrome) are left out.  A
# frame is ignored if one matches from its start (re.match), as
# StackAnalyzerState.ignore_stack_frame does in stacktraces/__init__.py.
IGNORE = [
    # Function names (exact match).
    r'^abort$', r'^exit$', r'^pthread_create$', r'^pthread_kill$',
    r'^raise$', r'^tgkill$', r'^__chk_fail$', r'^__fortify_fail$',
    # Function names (startswith).
    r'^(|__)aeabi_', r'^(|__)memcmp', r'^(|__)memcpy', r'^(|__)memmove',
    r'^(|__)memset', r'^(|__)strcmp', r'^(|__)strcpy', r'^(|__)strdup',
    r'^(|__)strlen', r'^(|__)strncpy', r'^<null>', r'^Abort\(',
    r'^ExitCallback', r'^LLVMFuzzerTestOneInput', r'^MSanAtExitWrapper',
    r'^New', r'^SignalAction', r'^SignalHandler', r'^TestOneProtoInput',
    r'^_L_unlock_', r'^__GI_', r'^__asan::', r'^__asan_', r'^__assert_',
    r'^__cxa_atexit', r'^__cxa_rethrow', r'^__cxa_throw', r'^__dump_stack',
    r'^__hwasan::', r'^__hwasan_', r'^__interceptor_', r'^__kasan_',
    r'^__libc_', r'^__lsan::', r'^__lsan_', r'^__msan::', r'^__msan_',
    r'^__pthread_kill', r'^__run_exit_handlers', r'^__sanitizer::',
    r'^__sanitizer_', r'^__tsan::', r'^__tsan_', r'^__ubsan::', r'^__ubsan_',
    r'^_asan_', r'^_hwasan_', r'^_lsan_', r'^_msan_', r'^_sanitizer_',
    r'^_start', r'^_tsan_', r'^_ubsan_', r'^abort', r'^asan_',
    r'^asan\.module_ctor', r'^asan\.module_dtor', r'^calloc',
    r'^check_memory_region', r'^common_exit', r'^delete',
    r'^demangling_terminate_handler', r'^dump_backtrace', r'^dump_stack',
    r'^exit_or_terminate_process', r'^fpehandler\(', r'^free', r'^fuzzer::',
    r'^g_log', r'^generic_cpp_', r'^gsignal', r'^kasan_', r'^main',
    r'^malloc', r'^new', r'^object_err', r'^operator', r'^print_trailer',
    r'^realloc', r'^scanf', r'^show_stack', r'^std::__terminate',
    r'^libgcc_s.so.*',
    # Function names (contains).
    r'.*ASAN_OnSIGSEGV', r'.*StackDumpSignalHandler', r'.*_asan_rtl_',
    r'.*allocator_shim', r'.*asan_Heap', r'.*asan_check_access',
    r'.*assert', r'.*libpthread', r'.*logger',
    # File paths.
    r'.*/crosstool/', r'.*/gcc/', r'.*/glibc\-', r'.*/jemalloc/',
    r'.*/libc\+\+', r'.*/libc/', r'.*/llvm\-build/', r'.*/sanitizer_common/',
    r'.*/tcmalloc/', r'.*libc\+\+/', r'.*/memorycmp\.c',
    # Others.
    r'.*\+Unknown', r'.*<unknown module>', r'.*Inline Function @',
    r'^<unknown>$', r'^\[vdso\]$', r'^linux-gate.so.*$',
]
IGNORE_IF_SYMBOLIZED = [r'.*libc\.so', r'.*libc\+\+\.so',
                        r'.*libc\+\+_shared\.so', r'.*libstdc\+\+\.so',
                        r'.*libc-.*\.so']
IGNORE_RE = re.compile('(%s)' % '|'.join(IGNORE + IGNORE_IF_SYMBOLIZED))
MAX_CRASH_STATE_FRAMES = 3  # constants.py

# A sanitizer's frame: "#N 0xADDR in FUNC FILE:LINE[:COL]", "#N 0xADDR in
# FUNC (MODULE+0xOFF)" or "#N 0xADDR  (MODULE+0xOFF)".
FRAME_RE = re.compile(r'^\s*#(\d+)\s+0x[0-9a-fA-F]+\s+(?:in\s+(.+?)\s+(?:\S+:\d+(?::\d+)?|\(.*\))|\(([^+)]+)(?:\+0x[0-9a-fA-F]+)?\).*)\s*$')
VERDICT_RE = re.compile(r'^vmlock: ([a-z-]+): ', re.M)
EXPECT_RE = re.compile(r'^expect\s+([a-z0-9-]+)\s*:\s*([a-z-]+)', re.M)


def frames(log):
    """The frames of the first stack in log, as ClusterFuzz names them."""
    out, last = [], -1
    for line in log.splitlines():
        m = FRAME_RE.match(line)
        if not m:
            if out:
                break
            continue
        n = int(m.group(1))
        if n <= last:
            break
        last = n
        out.append((m.group(2) or m.group(3)).strip())
    return out


def ignored(frame):
    return len(frame) < 3 or bool(IGNORE_RE.match(frame.replace('\\', '/')))


def crash_state(log):
    return tuple([f for f in frames(log) if not ignored(f)][:MAX_CRASH_STATE_FRAMES])


def frame_name(verdict):
    return 'vmlock_bug_' + verdict.replace('-', '_')


OLD_STACK = """\
    #0 0x1 in __sanitizer_print_stack_trace (/out/vmlock_fuzz+0x1)
    #1 0x2 in fuzzer::PrintStackTrace() (/out/vmlock_fuzz+0x2)
    #2 0x3  (/lib/x86_64-linux-gnu/libc.so.6+0x3c04f)
    #3 0x4 in __pthread_kill_implementation nptl/./nptl/pthread_kill.c:43:17
    #4 0x5 in raise signal/../sysdeps/posix/raise.c:26:13
    #5 0x6 in abort stdlib/./stdlib/abort.c:79:7
    #6 0x7 in report_and_abort /src/vmlock-fuzz/fuzz/vmlock_fuzz.c:225:2
    #7 0x8 in LLVMFuzzerTestOneInput /src/vmlock-fuzz/fuzz/vmlock_fuzz.c:241:3
    #8 0x9 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/out/vmlock_fuzz+0x9)
    #9 0xa in main (/out/vmlock_fuzz+0xa)
"""


def main():
    sep = sys.argv.index('--')
    vmlock, corpus = sys.argv[1], Path(sys.argv[2])
    target = sys.argv[sep + 1:]
    failures = []

    # Positive control: the former stack gives every verdict one state,
    # and that state's first frame names no verdict.
    old = crash_state(OLD_STACK)
    if old != ('report_and_abort',):
        failures.append(f'control: the old stack gave {old}, not report_and_abort alone')

    env = dict(os.environ)
    # handle_abort: the AFL++ driver has no libFuzzer handler; the
    # sanitizer prints the stack of the abort itself.
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'MSAN_OPTIONS'):
        env[k] = env.get(k, '') + ':handle_abort=1:symbolize=1'
    states = {}  # verdict -> {state: [inputs]}
    with tempfile.TemporaryDirectory() as tmp:
        for vmt in sorted(corpus.glob('*.vmt')):
            for variant, want in EXPECT_RE.findall(vmt.read_text()):
                if want == 'clean':
                    continue
                binary = Path(tmp) / vmt.stem
                subprocess.run([vmlock, 'encode', str(vmt), str(binary)], check=True)
                env['VMLOCK_VARIANT'] = variant
                r = subprocess.run(target + [str(binary)], env=env,
                                   capture_output=True, text=True)
                log = r.stdout + r.stderr
                what = f'{vmt.name} under {variant}'
                got = VERDICT_RE.search(log)
                if r.returncode == 0 or not got or got.group(1) != want:
                    failures.append(f'{what}: exit {r.returncode}, verdict '
                                    f'{got and got.group(1)}, expected {want}')
                    continue
                state = crash_state(log)
                if not state or state[0] != frame_name(want):
                    failures.append(f'{what}: first kept frame {state[:1]}, '
                                    f'expected {frame_name(want)}; frames {frames(log)}')
                states.setdefault(want, {}).setdefault(state, []).append(what)

    for verdict, by_state in sorted(states.items()):
        n = sum(len(v) for v in by_state.values())
        for state, inputs in by_state.items():
            print(f'{verdict:22} {n} input(s): ' + ' / '.join(state))
        if len(by_state) > 1:
            failures.append(f'{verdict}: {len(by_state)} crash states: {by_state}')
    if not any(sum(len(v) for v in s.values()) > 1 for s in states.values()):
        failures.append('no verdict seen from two inputs')
    owner = {}
    for verdict, by_state in states.items():
        for state in by_state:
            if state in owner:
                failures.append(f'{verdict} and {owner[state]} share the state {state}')
            owner[state] = verdict
    if len(states) < 2:
        failures.append(f'only {len(states)} verdicts seen')
    for f in failures:
        print('FAIL', f)
    print(f'{len(states)} verdicts, {len(owner)} crash states, {len(failures)} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
