#!/usr/bin/env python3
"""docs_check.py SOURCE_DIR BINARY_DIR VMLOCK - the docs name only what exists.

Reads README.md, REPRODUCING.md and docs/*.md.  From the shell blocks
(```sh) it takes every command and checks:

- every repository path exists (build/<preset>/... paths: the preset
  exists, and in this build directory's preset the file does; in another
  preset the target is one CMake defines);
- `cmake --preset P`, `cmake --build --preset P`, `ctest --preset P`: P is
  a preset of that kind; `ctest --preset default -R RE` selects a test;
- `vmlock SUB --opt`: SUB and each option are in vmlock's usage text; the
  cheap subcommands (replay, trace, hash, decode, minimize, variants) run
  on the files named and must not fail with exit 2 (bad usage or input);
- VMLOCK_* variables: their values are accepted (`vmlock fuzz --runs 0`
  validates every one), and `-DVMLOCK_*` options are CMake's;
- a script's `--options` appear in the script;
- input length caps (`-max_len=`, `--max-len`, `-G`) are the campaigns'
  value, ENGINE_MAX_LEN in src/engine/engine.h, as tools/campaign.sh uses.

In all the pages: every relative link and its #anchor exists, every
`path/in/code` under a top-level directory of the repository exists,
every test named (`unit.x`, `corpus.variant.*`, ...) is registered,
docs/oracles.md lists every verdict of src/sim/verdict.c, and the
README's quick start is exactly the two commands.  Exit 1 with one line
per stale name.
"""
import fnmatch
import glob
import json
import os
import re
import shlex
import subprocess
import sys

SRC, BIN, VMLOCK = (os.path.abspath(a) for a in sys.argv[1:4])
PRESET = os.path.basename(BIN)
errors = []
checked = {'commands': 0, 'paths': 0, 'links': 0, 'runs': 0}


def bad(where, msg):
    errors.append('%s: %s' % (where, msg))


def read(rel):
    with open(os.path.join(SRC, rel)) as f:
        return f.read()


PAGES = ['README.md', 'REPRODUCING.md'] + sorted(
    os.path.relpath(p, SRC) for p in glob.glob(os.path.join(SRC, 'docs/*.md')))
TOP = set(os.listdir(SRC)) - {'build', 'campaign', '.git'}
presets = json.loads(read('CMakePresets.json'))
PRESETS = {k: {p['name'] for p in presets.get(k, [])}
           for k in ('configurePresets', 'buildPresets', 'testPresets')}
CMAKE_TEXT = ''.join(read(os.path.relpath(p, SRC)) for p in
                     glob.glob(os.path.join(SRC, '**/CMakeLists.txt'),
                               recursive=True)
                     if '/build/' not in p)
# What a build directory holds: CMake's targets and outputs, and what the
# scripts that fill it write there.
BUILD_TEXT = CMAKE_TEXT + ''.join(read(os.path.relpath(p, SRC)) for p in
                                  glob.glob(os.path.join(SRC, 'tools/*.sh')))
MAX_LEN = re.search(r'#define ENGINE_MAX_LEN (\d+)',
                    read('src/engine/engine.h')).group(1)
usage = subprocess.run([VMLOCK], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True).stderr
# "  sub [--opt ...] ..." lines, with their continuation lines.
USAGE = {}
for line in usage.splitlines():
    m = re.match(r'^  ([a-z]+) ', line)
    if m:
        cur = m.group(1)
        USAGE[cur] = ''
    if line.startswith('  ') and USAGE:
        USAGE[cur] += line
PLACEHOLDER = re.compile(r'[<>]|\.\.\.|PATH/TO|[A-Z]{3,}')


def is_placeholder(tok):
    return bool(PLACEHOLDER.search(tok))


_script_dirs = None


def script_build_dirs():
    """The build/<name> folders the project's scripts make or read
    (tools/, tests/, bench/, build.sh): a doc may name those too."""
    global _script_dirs
    if _script_dirs is None:
        _script_dirs = set()
        for top in ('tools', 'tests', 'bench'):
            for root, _, files in os.walk(os.path.join(SRC, top)):
                for f in files:
                    if f.endswith(('.sh', '.py')):
                        with open(os.path.join(root, f), errors='replace') as fh:
                            _script_dirs |= set(re.findall(r'build/([A-Za-z0-9_.-]+)', fh.read()))
        _script_dirs -= {'x'}
    return _script_dirs


def check_path(where, tok, kind='path'):
    """A repository path: exists; build/<preset>/x: see the docstring."""
    p = tok.rstrip('/.,:;)')
    p = re.sub(r'^\$PWD/|^\./', '', p)
    p = re.sub(r'/\*$', '', p)
    if not p or is_placeholder(p) or '*' in p or '$' in p:
        return
    first = p.split('/')[0]
    if first == 'build':
        parts = p.split('/')
        if len(parts) < 2 or parts[1] not in PRESETS['configurePresets'] | {'oss-fuzz', 'bench', 'bench-lf', 'soak'} | script_build_dirs():
            bad(where, 'no preset %s (%s)' % (parts[1] if len(parts) > 1 else '', tok))
        elif len(parts) > 2 and parts[1] == PRESET:
            checked['paths'] += 1
            if not os.path.exists(os.path.join(SRC, p)):
                bad(where, '%s does not exist in this build' % p)
        elif len(parts) > 2 and parts[1] in PRESETS['configurePresets']:
            name = re.sub(r'^lib|\.so$', '', parts[-1])
            checked['paths'] += 1
            if name not in BUILD_TEXT:
                bad(where, '%s: nothing builds %s' % (tok, name))
        return
    if first not in TOP or ('/' not in p and '.' not in p):
        return
    checked['paths'] += 1
    if not os.path.exists(os.path.join(SRC, p)):
        bad(where, '%s %s does not exist' % (kind, p))


def shell_commands(text):
    """(line number, command line) for each line of each ```sh block."""
    out, in_sh, buf, start = [], False, '', 0
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith('```'):
            in_sh = not in_sh and line.strip() == '```sh'
            continue
        if not in_sh:
            continue
        if not buf:
            start = n
        buf += line.rstrip('\\') + ' '
        if not line.endswith('\\'):
            out.append((start, buf))
            buf = ''
    return out


def simple_commands(line):
    lex = shlex.shlex(line, posix=True, punctuation_chars='|&;<>()')
    lex.whitespace_split = True
    lex.commenters = '#'
    cmd, redirect = [], False
    for tok in lex:
        if tok in ('>', '>>', '<', '2>'):
            redirect = True
        elif set(tok) <= set('|&;()'):
            if cmd:
                yield cmd
            cmd = []
        elif redirect:
            redirect = False
        else:
            cmd.append(tok)
    if cmd:
        yield cmd


def check_len(where, value):
    if value != MAX_LEN:
        bad(where, 'input length %s, the campaigns use %s (ENGINE_MAX_LEN)'
            % (value, MAX_LEN))


def check_vmlock(where, env, args):
    if not args or args[0] not in USAGE:
        bad(where, 'vmlock has no command %s' % (args[:1] or ['(none)']))
        return
    sub, rest = args[0], args[1:]
    for a in rest:
        if a.startswith('-') and a not in USAGE[sub]:
            bad(where, 'vmlock %s has no option %s' % (sub, a))
    if '--max-len' in rest:
        check_len(where, rest[rest.index('--max-len') + 1])
    files = [a for a in rest if not a.startswith('-')]
    runnable = sub in ('replay', 'trace', 'hash', 'decode', 'minimize',
                       'variants')
    if not runnable or any(is_placeholder(f) or
                           not os.path.exists(os.path.join(SRC, f))
                           for f in files):
        return
    checked['runs'] += 1
    p = subprocess.run([VMLOCK] + args, cwd=SRC, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode not in (0, 1):
        bad(where, 'vmlock %s exited %d: %s' % (' '.join(args), p.returncode,
                                                 p.stderr.strip()[:200]))


def check_env(where, env_words):
    vm = {k: v for k, v in (w.split('=', 1) for w in env_words)
          if k.startswith('VMLOCK_')}
    if not vm or any(is_placeholder(v) for v in vm.values()):
        return
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith('VMLOCK_'))
    env.update(vm)
    checked['runs'] += 1
    p = subprocess.run([VMLOCK, 'fuzz', '--runs', '0',
                        'corpus/single-fault.vmt'], cwd=SRC, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       universal_newlines=True)
    # A build without the kernel backend (the tsan preset) knows the
    # value but cannot run it: the value is not stale.
    if p.returncode == 2 and 'this build has no kernel backend' not in p.stderr:
        bad(where, p.stderr.strip()[:200])


def check_command(where, words):
    env_words = []
    while words and re.match(r'^[A-Za-z_][A-Za-z0-9_]*=', words[0]):
        env_words.append(words.pop(0))
    if not words:
        return
    checked['commands'] += 1
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith('VMLOCK_'))
    env.update(w.split('=', 1) for w in env_words)
    check_env(where, env_words)
    for w in env_words:
        check_path(where, w.split('=', 1)[1])
    prog, args = words[0], words[1:]
    for i, a in enumerate(words):
        check_path(where, re.sub(r'^--?[a-z_-]+=', '', a))
        m = re.match(r'^-D(VMLOCK_[A-Z_]+)=', a)
        if m and m.group(1) not in CMAKE_TEXT:
            bad(where, 'no CMake option %s' % m.group(1))
        m = re.match(r'^-max_len=(\d+)$', a)
        if m and 'oss-fuzz' not in ' '.join(words):
            check_len(where, m.group(1))
        if prog == 'afl-fuzz' and a == '-G':
            check_len(where, words[i + 1])
    if prog in ('cmake', 'ctest'):
        kind = {'cmake': 'configurePresets', 'ctest': 'testPresets'}[prog]
        if '--build' in args:
            kind = 'buildPresets'
        if '--preset' in args:
            p = args[args.index('--preset') + 1]
            if p not in PRESETS[kind]:
                bad(where, 'no %s preset %s' % (kind, p))
            if prog == 'ctest' and '-R' in args and p == PRESET:
                r = subprocess.run(['ctest', '--test-dir', BIN, '-N', '-R',
                                    args[args.index('-R') + 1]],
                                   stdout=subprocess.PIPE,
                                   universal_newlines=True).stdout
                if 'Total Tests: 0' in r:
                    bad(where, 'ctest -R %s selects no test'
                        % args[args.index('-R') + 1])
    elif os.path.basename(prog) == 'vmlock':
        check_vmlock(where, env, args)
    elif prog in ('python3', 'sh') and args:
        check_script(where, args[0], args[1:])
    elif prog.split('/')[0] in TOP or prog.startswith('./'):
        check_script(where, prog, args)


def check_script(where, script, args):
    path = os.path.join(SRC, re.sub(r'^\./', '', script))
    if not os.path.isfile(path):
        return      # check_path has said so
    text = open(path).read()
    for a in args:
        if a.startswith('--') and not re.search(
                re.escape(a) + r'(?![\w-])', text):
            bad(where, '%s has no option %s' % (script, a))


def slug(heading):
    s = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return s.replace(' ', '-')


def anchors(rel):
    return {slug(m.group(1)) for m in
            re.finditer(r'^#+ (.*)$', read(rel), re.M)}


# The tests this build registers, and those of the other presets as
# add_test names them (a name made from a loop variable counts when more
# than its first word is literal: corpus.variant.${_v}, not unit.${_t}).
TESTS = re.findall(r'Test +#\d+: (\S+)', subprocess.run(
    ['ctest', '--test-dir', BIN, '-N'], stdout=subprocess.PIPE,
    universal_newlines=True).stdout)
TESTS += [re.sub(r'\$\{[^}]*\}', '*', n) for n in
          re.findall(r'add_test\(NAME (\S+)', CMAKE_TEXT)
          if '${' not in n or n.index('${') > n.index('.') + 1]
TEST_WORD = re.compile(r'^(unit|corpus|cli|fuzz|determinism|format|stress|'
                       r'ossfuzz|exhaustive|docs)\.[\w.*-]+$')


FILE_EXT = re.compile(r'\.(c|h|sh|py|md|txt|vmt|so|dict|options|yml|json)$')


def check_page(rel):
    text = read(rel)
    for n, line in shell_commands(text):
        for words in simple_commands(line):
            check_command('%s:%d' % (rel, n), words)
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        where = '%s:%d' % (rel, n)
        for m in re.finditer(r'\]\(([^)\s]+)\)', line):
            target = m.group(1)
            if re.match(r'^[a-z]+:', target):
                continue
            checked['links'] += 1
            path, _, frag = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(rel),
                                                 path)) if path else rel
            if not os.path.exists(os.path.join(SRC, dest)):
                bad(where, 'link to missing %s' % dest)
            elif frag and dest.endswith('.md') and frag not in anchors(dest):
                bad(where, 'link to missing heading %s#%s' % (dest, frag))
        for m in re.finditer(r'`([^`\s]+)`', line):
            tok = m.group(1)
            check_path(where, tok)
            if TEST_WORD.match(tok) and not FILE_EXT.search(tok) and not any(
                    fnmatch.fnmatch(t, tok) or fnmatch.fnmatch(tok, t)
                    for t in TESTS):
                bad(where, 'no test %s' % tok)


def check_verdicts():
    names = re.findall(r'\{ "([a-z-]+)", "', read('src/sim/verdict.c'))
    table = read('docs/oracles.md')
    for v in names:
        if not re.search(r'^\| `%s` \|' % re.escape(v), table, re.M):
            bad('docs/oracles.md', 'verdict %s is not in the table' % v)
    for v in re.findall(r'^\| `([a-z-]+)` \| [^|]* \| (?:runtime|oracles|model|) \|$',
                        table, re.M):
        if v not in names:
            bad('docs/oracles.md', 'no verdict %s in src/sim/verdict.c' % v)
    if not names:
        bad('src/sim/verdict.c', 'no verdict names found')


def check_quick_start():
    text = read('README.md')
    m = re.search(r'^## Quick start\n(.*?)^## ', text, re.M | re.S)
    blocks = shell_commands(m.group(1)) if m else []
    first = [re.split(r'\s+#', l)[0].strip() for _, l in blocks[:2]]
    if first != ['tools/campaign.sh', 'tools/test-all.sh']:
        bad('README.md', 'the quick start is not "tools/campaign.sh" and '
            '"tools/test-all.sh": %s' % first)


def main():
    if not USAGE:
        bad(VMLOCK, 'printed no usage')
    for rel in PAGES:
        check_page(rel)
    check_verdicts()
    check_quick_start()
    for e in errors:
        print('stale: ' + e)
    print('docs_check: %d pages, %d commands, %d paths, %d links, %d runs: '
          '%d stale' % (len(PAGES), checked['commands'], checked['paths'],
                        checked['links'], checked['runs'], len(errors)))
    return 1 if errors or not checked['commands'] else 0


if __name__ == '__main__':
    sys.exit(main())
