#!/usr/bin/env python3
"""ci_files.py REPO - the OSS-Fuzz and ClusterFuzzLite files parse and say
what the infrastructure expects.

The allowed keys and values are those of the tools that read the files:
OSS-Fuzz's infra/constants.py and presubmit.py (project.yaml), and the
action.yml of google/clusterfuzzlite's build_fuzzers and run_fuzzers (the
workflow inputs).  A misspelt input is ignored by GitHub with only a
warning, so it is checked here.
"""
import re
import sys
from pathlib import Path

import yaml

# OSS-Fuzz infra/constants.py and presubmit.py.
OSSFUZZ_SANITIZERS = {"address", "none", "memory", "undefined", "thread",
                      "coverage", "introspector", "hwaddress"}
OSSFUZZ_ENGINES = {"libfuzzer", "afl", "honggfuzz", "centipede", "none",
                   "wycheproof"}
OSSFUZZ_KEYS = {"homepage", "language", "main_repo", "primary_contact",
                "auto_ccs", "vendor_ccs", "sanitizers", "fuzzing_engines",
                "architectures", "help_url", "builds_per_day",
                "file_github_issue", "disabled", "base_os_version",
                "run_tests", "blackbox", "coverage_extra_args",
                "selective_unpack", "view_restrictions", "labels"}

# google/clusterfuzzlite actions/*/action.yml (v1).
CFL = "google/clusterfuzzlite/actions/"
BUILD_INPUTS = {"language", "dry-run", "allowed-broken-targets-percentage",
                "sanitizer", "project-src-path", "bad-build-check",
                "keep-unaffected-fuzz-targets", "storage-repo",
                "storage-repo-branch", "storage-repo-branch-coverage",
                "upload-build", "github-token"}
RUN_INPUTS = {"language", "fuzz-seconds", "dry-run", "sanitizer", "mode",
              "github-token", "storage-repo", "storage-repo-branch",
              "storage-repo-branch-coverage", "report-unreproducible-crashes",
              "minimize-crashes", "parallel-fuzzing", "output-sarif",
              "report-timeouts", "report-ooms"}
CFL_SANITIZERS = {"address", "undefined", "memory", "coverage"}
CFL_MODES = {"code-change", "batch", "prune", "coverage"}

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
    return cond


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def triggers(wf):
    # YAML 1.1 reads the key `on` as the boolean true.
    return wf.get("on", wf.get(True)) or {}


def expand(value, matrix):
    """${{ matrix.x }} replaced by each value of the matrix (one per run)."""
    if not isinstance(value, str) or "matrix." not in value:
        return [value]
    m = re.fullmatch(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", value)
    if not m or m.group(1) not in matrix:
        return [None]
    return list(matrix[m.group(1)])


def cfl_steps(job):
    """(kind, inputs) of each ClusterFuzzLite step of a job."""
    out = []
    for step in job.get("steps", []):
        uses = step.get("uses", "")
        if uses.startswith(CFL):
            kind, _, ref = uses[len(CFL):].partition("@")
            check(ref == "v1", f"{uses}: pin @v1")
            out.append((kind, step.get("with") or {}))
    return out


def check_job(name, job, modes):
    """A build_fuzzers step then a run_fuzzers step, with the same
    sanitizer, language c, known inputs and values; returns the
    (mode, sanitizer) pairs the job runs."""
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    steps = cfl_steps(job)
    kinds = [k for k, _ in steps]
    if not check(kinds == ["build_fuzzers", "run_fuzzers"],
                 f"{name}: steps {kinds}, want build_fuzzers, run_fuzzers"):
        return []
    (_, build), (_, run) = steps
    check(set(build) <= BUILD_INPUTS, f"{name}: unknown build inputs {set(build) - BUILD_INPUTS}")
    check(set(run) <= RUN_INPUTS, f"{name}: unknown run inputs {set(run) - RUN_INPUTS}")
    check(build.get("language") == "c", f"{name}: build language {build.get('language')}")
    check(run.get("language") == "c", f"{name}: run language {run.get('language')}")
    check(str(run.get("github-token", "")).strip() == "${{ secrets.GITHUB_TOKEN }}",
          f"{name}: run_fuzzers needs github-token")
    check(isinstance(run.get("fuzz-seconds"), int) and run["fuzz-seconds"] > 0,
          f"{name}: fuzz-seconds {run.get('fuzz-seconds')}")
    check(run.get("mode") in modes, f"{name}: mode {run.get('mode')}, want {modes}")
    bs = expand(build.get("sanitizer", "address"), matrix)
    rs = expand(run.get("sanitizer", "address"), matrix)
    check(bs == rs, f"{name}: build sanitizer {bs} != run sanitizer {rs}")
    check(set(rs) <= CFL_SANITIZERS, f"{name}: sanitizers {rs}")
    return [(run.get("mode"), s) for s in rs]


def check_workflows(repo):
    wfdir = repo / ".github/workflows"
    pr = load(wfdir / "cflite_pr.yml")
    check("pull_request" in triggers(pr), "cflite_pr.yml: not on pull_request")
    runs = []
    for name, job in pr["jobs"].items():
        runs += check_job(f"cflite_pr.yml {name}", job, {"code-change"})
        run = dict(cfl_steps(job)).get("run_fuzzers", {})
        check(run.get("output-sarif") is True, "PR fuzzing: output-sarif true")
        check((job.get("permissions") or {}).get("security-events") == "write",
              "PR fuzzing: security-events: write, for the SARIF upload")
        up = [s for s in job["steps"]
              if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
        check(len(up) == 1 and up[0]["with"].get("sarif_file") == "cifuzz-sarif/results.sarif",
              "PR fuzzing: upload-sarif of cifuzz-sarif/results.sarif")
        check(len(up) == 1 and "always()" in str(up[0].get("if", "")),
              "PR fuzzing: upload the SARIF even when the fuzzers fail")
        check(len(up) == 1 and "github.event.pull_request.head.repo.full_name == github.repository"
              in str(up[0].get("if", "")),
              "PR fuzzing: no SARIF upload from a fork's pull request (read-only token)")
    check(sorted(runs) == [("code-change", "address"), ("code-change", "undefined")],
          f"PR fuzzing runs {runs}, want code-change with address and undefined")

    # Continuous builds: main's build uploaded, for PR fuzzing to tell
    # new crashes from old ones.
    build = load(wfdir / "cflite_build.yml")
    check("push" in triggers(build), "cflite_build.yml: on push")
    sans = []
    for name, job in build["jobs"].items():
        steps = cfl_steps(job)
        check([k for k, _ in steps] == ["build_fuzzers"], f"cflite_build.yml {name}: one build_fuzzers step")
        for _, w in steps:
            check(set(w) <= BUILD_INPUTS, f"cflite_build.yml {name}: unknown inputs {set(w) - BUILD_INPUTS}")
            check(w.get("language") == "c", f"cflite_build.yml {name}: language")
            check(w.get("upload-build") is True, f"cflite_build.yml {name}: upload-build true")
            sans += expand(w.get("sanitizer", "address"), (job.get("strategy") or {}).get("matrix") or {})
    check(sorted(sans) == ["address", "undefined"], f"continuous builds {sans}, want PR fuzzing's sanitizers")

    # The project's own tests: .ci/run on Debian 12.
    tests = load(wfdir / "tests.yml")
    check({"push", "pull_request"} <= set(triggers(tests)), "tests.yml: on push and pull_request")
    runs_ci = [s for j in tests["jobs"].values() for s in j.get("steps", [])
               if str(s.get("run", "")).strip() == ".ci/run"]
    check(len(runs_ci) == 1, "tests.yml: one step runs .ci/run")
    check(all(j.get("container") == "debian:12" for j in tests["jobs"].values()),
          "tests.yml: in debian:12, the project's toolchain")

    batch = load(wfdir / "cflite_batch.yml")
    check(all("cron" in s for s in triggers(batch).get("schedule", [{}])),
          "cflite_batch.yml: on a schedule")
    runs = []
    for name, job in batch["jobs"].items():
        runs += check_job(f"cflite_batch.yml {name}", job, {"batch"})
    check(("batch", "address") in runs, f"batch runs {runs}")

    cron = load(wfdir / "cflite_cron.yml")
    check(all("cron" in s for s in triggers(cron).get("schedule", [{}])),
          "cflite_cron.yml: on a schedule")
    runs = []
    for name, job in cron["jobs"].items():
        runs += check_job(f"cflite_cron.yml {name}", job, {"prune", "coverage"})
    check(("prune", "address") in runs, f"cron: a prune job ({runs})")
    check(("coverage", "coverage") in runs, f"cron: a coverage job ({runs})")


def check_ossfuzz(repo):
    p = load(repo / "oss-fuzz/project.yaml")
    check(set(p) <= OSSFUZZ_KEYS, f"oss-fuzz/project.yaml: unknown keys {set(p) - OSSFUZZ_KEYS}")
    check(p.get("language") == "c", "oss-fuzz: language c")
    check(str(p.get("main_repo", "")).startswith("https://"), "oss-fuzz: main_repo")
    check(p.get("sanitizers") == ["address", "undefined", "memory"],
          f"oss-fuzz: sanitizers {p.get('sanitizers')}")
    check(set(p.get("sanitizers", [])) <= OSSFUZZ_SANITIZERS, "oss-fuzz: known sanitizers")
    engines = p.get("fuzzing_engines", [])
    # The engines build.sh builds (FUZZING_ENGINE) and tests/ossfuzz_build.sh tests.
    check(set(engines) == {"libfuzzer", "afl"}, f"oss-fuzz: engines {engines}")
    check(set(engines) <= OSSFUZZ_ENGINES, "oss-fuzz: known engines")
    dockerfile = (repo / "oss-fuzz/Dockerfile").read_text()
    check(re.search(r"^FROM gcr\.io/oss-fuzz-base/base-builder\s*$", dockerfile, re.M),
          "oss-fuzz/Dockerfile: FROM base-builder")
    check(f"git clone --depth 1 {p.get('main_repo')} vmlock-fuzz" in dockerfile,
          "oss-fuzz/Dockerfile clones main_repo into $SRC/vmlock-fuzz")
    check(re.search(r"^COPY build\.sh \$SRC/\s*$", dockerfile, re.M),
          "oss-fuzz/Dockerfile: COPY build.sh $SRC/")
    check_kernel_tree("oss-fuzz/Dockerfile", dockerfile)


KERNEL_CLONE = re.compile(
    r"^RUN git clone --depth 1 --branch (\S+) (https://git\.kernel\.org/\S+\.git) (\S+)\s*$", re.M)


def check_kernel_tree(name, dockerfile):
    """The image has a kernel tree at $SRC/linux, where build.sh looks:
    a shallow clone of a named branch or tag from kernel.org, cloned before
    the WORKDIR moves into the repository (a relative path is then $SRC's,
    base-builder's WORKDIR), and the comment above it names the branch and
    says why."""
    m = KERNEL_CLONE.search(dockerfile)
    if not check(m, f"{name}: no kernel tree (RUN git clone --depth 1 --branch B https://git.kernel.org/....git $SRC/linux)"):
        return
    branch, dest = m.group(1), m.group(3)
    workdir = dockerfile.find("WORKDIR $SRC/vmlock-fuzz")
    check(dest == "$SRC/linux" or (dest == "linux" and 0 <= m.start() < workdir),
          f"{name}: the kernel tree goes to {dest}, not $SRC/linux")
    above = dockerfile[:m.start()].rstrip("\n").split("\n")
    comment = []
    while above and above[-1].startswith("#"):
        comment.insert(0, above.pop())
    check(branch in " ".join(comment),
          f"{name}: the comment above the kernel clone does not name {branch} (which branch and why)")


def check_cflite(repo):
    p = load(repo / ".clusterfuzzlite/project.yaml")
    check(p == {"language": "c"}, f".clusterfuzzlite/project.yaml: {p}")
    dockerfile = (repo / ".clusterfuzzlite/Dockerfile").read_text()
    check(re.search(r"^FROM gcr\.io/oss-fuzz-base/base-builder:v1\s*$", dockerfile, re.M),
          ".clusterfuzzlite/Dockerfile: FROM base-builder:v1")
    check(re.search(r"^COPY \. \$SRC/vmlock-fuzz\s*$", dockerfile, re.M),
          ".clusterfuzzlite/Dockerfile: the checkout copied to $SRC/vmlock-fuzz")
    check(re.search(r"^COPY \.clusterfuzzlite/build\.sh \$SRC/\s*$", dockerfile, re.M),
          ".clusterfuzzlite/Dockerfile: COPY .clusterfuzzlite/build.sh $SRC/")
    check_kernel_tree(".clusterfuzzlite/Dockerfile", dockerfile)


def check_build_scripts(repo):
    # Both wrappers run the repository's build.sh where the images put it.
    for d in ("oss-fuzz", ".clusterfuzzlite"):
        text = (repo / d / "build.sh").read_text()
        check('exec "$SRC/vmlock-fuzz/build.sh"' in text, f"{d}/build.sh calls the root build.sh")
    check((repo / "build.sh").stat().st_mode & 0o111, "build.sh is executable")


def header_constant(path, name):
    """A #define of the header, evaluated (integers, + and * only)."""
    defs = dict(re.findall(r"^#define (\w+)\s+([^/\n]+?)\s*(?:/\*.*)?$",
                           path.read_text(), re.M))
    expr = defs[name]
    while re.search(r"[A-Z_]{2,}", expr):
        expr = re.sub(r"[A-Z][A-Z_0-9]+", lambda m: f"({defs[m.group(0)]})", expr)
    check(re.fullmatch(r"[0-9+*() ]+", expr), f"{name} = {expr}: not plain arithmetic")
    return eval(expr)  # digits, +, * and parentheses only (checked above)


def check_options(repo):
    import configparser
    opts = configparser.ConfigParser()
    opts.read(repo / "fuzz/vmlock_fuzz.options")
    lf = opts["libfuzzer"]
    max_input = header_constant(repo / "src/scenario/program.h", "VMT_MAX_INPUT")
    check(lf.getint("max_len") == max_input,
          f"vmlock_fuzz.options: max_len {lf.get('max_len')} != VMT_MAX_INPUT {max_input}")
    check(lf.get("len_control") == "0", "vmlock_fuzz.options: len_control = 0")
    check(lf.get("dict") == "vmlock_fuzz.dict", "vmlock_fuzz.options: dict")
    # The runner's older parser turns every line with '=' into a flag.
    for line in (repo / "fuzz/vmlock_fuzz.options").read_text().splitlines():
        check(not (line.startswith("#") and "=" in line),
              f"vmlock_fuzz.options: '=' in a comment: {line}")


def main():
    repo = Path(sys.argv[1])
    check_options(repo)
    check_workflows(repo)
    check_ossfuzz(repo)
    check_cflite(repo)
    check_build_scripts(repo)
    for f in failures:
        print("ci-files:", f)
    print(f"ci-files: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
