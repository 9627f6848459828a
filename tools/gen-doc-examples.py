#!/usr/bin/env python3
"""gen-doc-examples.py [--check] [--vmlock PATH] [FILE.md...]

Rewrites the examples in the documentation from what the tool prints now.
An example is a fenced block between two markers:

    <!-- generated: VMLOCK_VARIANT=narrow-wake vmlock trace corpus/x.vmt -->
    ```
    (the output, rewritten by this script)
    ```
    <!-- end generated -->

The command is `[VAR=value...] vmlock ARGS...`, optionally followed by
`| grep -F TEXT`, `| head -n N` or `| sed -n '/RE/,$p'` (applied here,
no shell).  `vmlock` is
PATH (default build/default/vmlock); it runs from the repository root with
no VMLOCK_* variable but those the command sets, and its stdout is the
example.  With --check nothing is written: exit 1 if an example differs
from what the tool prints (the docs test), with a diff.  Default files:
README.md and docs/*.md.  Exit 2 on a malformed marker or a command that
fails to run.
"""
import difflib
import glob
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = re.compile(r'^<!-- generated: (.*) -->$')
END = '<!-- end generated -->'


def fail(msg):
    print('gen-doc-examples: ' + msg, file=sys.stderr)
    sys.exit(2)


def run(cmd, vmlock, where):
    stages = [shlex.split(s) for s in cmd.split(' | ')]
    words = stages[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith('VMLOCK_')}
    while words and re.match(r'^[A-Z_][A-Z0-9_]*=', words[0]):
        k, v = words.pop(0).split('=', 1)
        env[k] = v
    if not words or words[0] != 'vmlock':
        fail('%s: the command must be "vmlock ...": %s' % (where, cmd))
    p = subprocess.run([vmlock] + words[1:], cwd=ROOT, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode not in (0, 1):
        fail('%s: "%s" exited %d: %s' % (where, cmd, p.returncode, p.stderr))
    lines = p.stdout.splitlines()
    for st in stages[1:]:
        if st[:2] == ['grep', '-F'] and len(st) == 3:
            lines = [l for l in lines if st[2] in l]
        elif st[:2] == ['head', '-n'] and len(st) == 3:
            lines = lines[:int(st[2])]
        elif st[:2] == ['sed', '-n'] and len(st) == 3 and \
                re.match(r'^/.*/,\$p$', st[2]):
            pat = re.compile(st[2][1:-4])
            at = next((n for n, l in enumerate(lines) if pat.search(l)),
                      len(lines))
            lines = lines[at:]
        else:
            fail("%s: only | grep -F TEXT, | head -n N and | sed -n '/RE/,$p'"
                 " are allowed: %s"
                 % (where, cmd))
    if not lines:
        fail('%s: "%s" printed nothing' % (where, cmd))
    return [l.rstrip() for l in lines]


def rewrite(path, vmlock):
    with open(path) as f:
        old = f.read().splitlines()
    new, i, count = [], 0, 0
    while i < len(old):
        new.append(old[i])
        m = BEGIN.match(old[i])
        i += 1
        if not m:
            continue
        where = '%s:%d' % (os.path.relpath(path, ROOT), i)
        try:
            end = old.index(END, i)
        except ValueError:
            fail(where + ': no "%s"' % END)
        new += ['```'] + run(m.group(1), vmlock, where) + ['```', END]
        i = end + 1
        count += 1
    return old, new, count


def main(argv):
    check = '--check' in argv
    argv = [a for a in argv if a != '--check']
    vmlock = os.path.join(ROOT, 'build/default/vmlock')
    if argv[:1] == ['--vmlock']:
        vmlock, argv = os.path.abspath(argv[1]), argv[2:]
    files = argv or [os.path.join(ROOT, 'README.md')] + \
        sorted(glob.glob(os.path.join(ROOT, 'docs', '*.md')))
    stale = total = 0
    for path in files:
        old, new, count = rewrite(path, vmlock)
        total += count
        if old == new:
            continue
        rel = os.path.relpath(path, ROOT)
        if check:
            stale += 1
            sys.stdout.writelines(difflib.unified_diff(
                [l + '\n' for l in old], [l + '\n' for l in new],
                rel + ' (in the docs)', rel + ' (as the tool prints it)'))
        else:
            with open(path, 'w') as f:
                f.write('\n'.join(new) + '\n')
            print('rewrote ' + rel)
    if check and stale:
        print('gen-doc-examples: %d file(s) with stale examples; run '
              'tools/gen-doc-examples.py and review the diff' % stale)
        return 1
    print('gen-doc-examples: %d examples in %d files, %s'
          % (total, len(files), 'all current' if check else 'written'))
    return 0 if total else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
