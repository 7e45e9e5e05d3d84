# SPDX-License-Identifier: GPL-2.0
"""Counts the cover letters state, derived from the sources (cover.py).

kunit(repo, target)   the suites, their cases and parameters on a target
selftests(repo)       per script: cases registered in software mode, in
                      hardware mode, and those that need hardware mode
targets(repo)         the kernel targets of scripts/lib.sh
vm_nics(repo)         the NIC models of the VM selftests' hardware mode

Nothing here reads a cache or a clock: the same commit gives the same
counts, so a regenerated cover letter is byte-identical.
"""

import os
import re
import subprocess

CASE = re.compile(r'KUNIT_CASE(_PARAM)?\(\s*(\w+)\s*(?:,\s*(\w+)\s*)?\)')


def _c_text(path, strings=True):
    """A C file without comments; without string contents (braces in
    them) unless STRINGS."""
    s = re.sub(r'/\*.*?\*/|//[^\n]*', ' ', open(path).read(), flags=re.S)
    return s if strings else re.sub(r'"(\\.|[^"\\])*"', '""', s)


def _initializer(s, name):
    """The text between the braces of 'NAME[] = { ... };', or None."""
    m = re.search(r'\b%s\s*\[\s*\]\s*=\s*\{' % re.escape(name), s)
    if not m:
        return None
    depth, i = 1, m.end()
    while depth:
        depth += {'{': 1, '}': -1}.get(s[i], 0)
        i += 1
    return s[m.end():i - 1]


def _elements(body):
    """The number of brace-enclosed elements at the top of an initializer."""
    n = depth = 0
    for ch in body:
        if ch == '{':
            n += depth == 0
            depth += 1
        elif ch == '}':
            depth -= 1
    return n


def unrolls_params(repo, target):
    """True when TARGET's backport rules unroll parameterised cases."""
    lib = open(os.path.join(repo, 'scripts/series/backport/lib.sh')).read()
    lists = dict(re.findall(r'^(RULES_\w+)="([^"]*)"', lib, flags=re.M))
    m = re.search(r'^\s*%s\) rules="([^"]*)"' % re.escape(target), lib,
                  flags=re.M)
    if not m:
        return False
    rules = ' '.join(lists.get(v, '') for v in re.findall(r'\$(\w+)',
                                                             m.group(1)))
    return 'kunit-param-unroll' in rules.split()


def kunit(repo, target):
    """Suites (names), cases, parameterised cases [(case, n)], results.

    results is kunit.py's count: a parameterised case counts once per
    parameter. Where the backport unrolls it (5.10), each parameter is a
    case of its own.
    """
    d = os.path.join(repo, 'kunit')
    files = [os.path.join(d, f) for f in sorted(os.listdir(d))
             if f.endswith('.c')]
    code = '\n'.join(_c_text(f) for f in files)
    allc = '\n'.join(_c_text(f, strings=False) for f in files)
    m = re.search(r'kunit_test_suites\(([^)]*)\)', allc)
    registered = re.findall(r'&\s*(\w+)', m.group(1)) if m else []
    suites, cases, params = [], 0, []
    for suite in registered:
        sm = re.search(r'\b%s\s*=\s*\{(.*?)\};' % suite, code, flags=re.S)
        arr = re.search(r'\.test_cases\s*=\s*(\w+)', sm.group(1)).group(1)
        name = re.search(r'\.name\s*=\s*"([^"]*)"', sm.group(1))
        suites.append(name.group(1) if name else suite)
        for param, fn, gen in CASE.findall(_initializer(allc, arr)):
            cases += 1
            if param:
                pn = gen[:-len('_gen_params')]
                am = re.search(r'KUNIT_ARRAY_PARAM(?:_DESC)?\(\s*%s\s*,'
                               r'\s*(\w+)' % re.escape(pn), allc)
                if not am:
                    raise SystemExit('counts.py: %s: parameters not from '
                                     'KUNIT_ARRAY_PARAM' % fn)
                params.append((fn, _elements(_initializer(allc,
                                                          am.group(1)))))
    results = cases + sum(n - 1 for _, n in params)
    if unrolls_params(repo, target):
        cases, params = results, []
    return suites, cases, params, results


# Sourced in a bash of its own: the script's library defines virtnet_main
# and the script calls it at its end; this virtnet_main, read-only, runs
# instead and lets the library's own count mode (RUN=count) register the
# cases, once per mode as topo_init sets it.
COUNTER = r'''
virtnet_main()
{
	local fns=() f sw nhw=0

	eval "vt_tcase() $(declare -f tcase | tail -n +2)"
	tcase() { fns+=("$2"); vt_tcase "$@"; }
	RUN=count HW=no NCASES=0
	all_cases
	sw=$NCASES
	RUN=count HW=yes NETIF=vn-count0 NCASES=0
	all_cases
	for f in "${fns[@]:0:sw}"; do
		declare -f "$f" | grep -qw need_hw && nhw=$((nhw + 1))
	done
	echo "$sw $NCASES $nhw"
	exit 0
}
readonly -f virtnet_main
. "$0"
'''


def selftests(repo):
    """[(script, software-mode cases, hardware-mode cases, need_hw)]."""
    d = os.path.join(repo, 'selftests')
    mk = open(os.path.join(d, 'Makefile')).read()
    progs = re.search(r'^TEST_PROGS := \\\n(.*?)^# end of', mk,
                      flags=re.M | re.S).group(1).split()
    out = []
    for p in (p for p in progs if p != '\\'):
        # A clean environment: VIRTNET_TESTS or NETIF must not count.
        env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LC_ALL': 'C'}
        r = subprocess.run(['bash', '-c', COUNTER, os.path.join(d, p)],
                           env=env, capture_output=True, text=True, cwd=d)
        err = [l for l in r.stderr.splitlines()
               if not l.endswith('virtnet_main: readonly function')]
        if r.returncode or err or len(r.stdout.split()) != 3:
            raise SystemExit('counts.py: counting the cases of %s failed: %s'
                             % (p, '\n'.join(err) or r.stdout))
        out.append((p, *map(int, r.stdout.split())))
    return out


def targets(repo):
    """The kernel targets, as VIRTNET_TARGETS in scripts/lib.sh lists them."""
    lib = open(os.path.join(repo, 'scripts/lib.sh')).read()
    return re.search(r'^VIRTNET_TARGETS="([^"]*)"', lib,
                     flags=re.M).group(1).split()


def vm_nics(repo):
    """The NIC models scripts/vm/selftests runs hardware mode on."""
    st = open(os.path.join(repo, 'scripts/vm/selftests')).read()
    models = re.search(r'^NIC_MODELS=\$\{VIRTNET_VM_NICS-([^}]*)\}', st,
                       flags=re.M).group(1).split()
    return [{'virtio': 'virtio-net'}.get(m, m) for m in models]
