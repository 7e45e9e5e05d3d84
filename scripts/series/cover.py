#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fill in the cover letter of a generated series (called by series/generate).

usage: cover.py COVER_PATCH SUBJECT_FILE BODY_FILE BASE TARGET [TAG...]
       cover.py --body BODY_FILE BASE TARGET [TAG...]   (print the body)

TAGs name what the target's series has beyond the target itself
(series/generate passes "kunit" when the series has the KUnit patch).

The body file is one text for every target. What differs per target is
in conditional blocks, each marker alone on its line:

    @if v4.14@            kept if the target or a tag is listed
                          (a space-separated list)
    @if !v4.14 v6.1@      kept if neither the target nor a tag is listed
    @else@                the other targets
    @endif@

Blocks do not nest. Then @TARGET@ becomes the target and @BASE@ the
subject of the base tree's commit, and the markers below what the
sources give (counts.py) or the committed results/ files say; a
paragraph with one of these is refilled at 72 columns.

    @KUNIT_SUITES@ @KUNIT_CASES@ @KUNIT_RESULTS@ @KUNIT_PARAM_CASES@
        the suites, the cases on this target, kunit.py's count of
        results, mainline's parameterised cases ("NAME (N parameters)")
    @SELFTEST_CASES@ @SELFTEST_CASES:SCRIPT@ @SELFTEST_SCRIPTS@
    @SELFTEST_MODES@ @SELFTEST_NEED_HW@
        cases registered (in all / one script), the scripts with their
        counts, software against hardware mode, the cases that need it
    @TARGETS@ @TARGET_LIST@ @VM_NICS@
    @KUNIT_RESULT@ @RESULT:NAME@
        results/kunit-TARGET.txt, results/NAME.txt as committed (HEAD):
        a run's figures, date and commit, or "none recorded". The run
        writes the file (scripts/series/record-result); what is not
        committed is not quoted, so a generation does not depend on a
        run in the working tree, a cache or the date.
"""

import os
import re
import subprocess
import sys
import textwrap

import counts

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), '..', '..'))
INLINE = re.compile(r'@([A-Z_]+)(?::([\w.-]+))?@')
MARK = re.compile(r'^@(if (!?)([^@]+)|else|endif)@$')


def die(msg):
    sys.stderr.write('cover.py: %s\n' % msg)
    sys.exit(1)


def _and(words):
    words = list(words)
    return ', '.join(words[:-1]) + ' and ' + words[-1] if len(words) > 1 \
        else ''.join(words)


def committed(path):
    """PATH (relative to the repository) as HEAD has it, or None."""
    try:
        return subprocess.run(
            ['git', '-c', 'safe.directory=' + REPO, '-C', REPO, 'show',
             'HEAD:' + path], capture_output=True, text=True,
            check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def result(name):
    """What results/NAME.txt says, with its date and commit."""
    text = committed('results/%s.txt' % name)
    if text is None:
        return 'none recorded'
    f = {}
    for line in text.splitlines():
        k, sep, v = line.partition(': ')
        if sep and not line.startswith('#'):
            f.setdefault(k, []).append(v)
    if not all(k in f for k in ('date', 'commit', 'tree', 'result')):
        die('results/%s.txt lacks date, commit, tree or result' % name)
    dirty = ' plus uncommitted changes' if f.get('dirty') == ['yes'] else ''
    return '%s (run of %s on %s, virtnet commit %s%s)' % (
        '; '.join(f['result']), f['date'][0], f['tree'][0].split(' (')[0],
        f['commit'][0][:12], dirty)


class Values:
    """The markers' values for one target, each computed when first used
    (the iproute2 covers need none of the kernel's counts)."""

    def __init__(self, target, base):
        self.target, self.base, self.memo = target, base, {}

    def get(self, key, fn):
        if key not in self.memo:
            self.memo[key] = fn()
        return self.memo[key]

    @staticmethod
    def script(st, name):
        for c in st:
            if c[0] == name:
                return c[1]
        die('@SELFTEST_CASES:%s@: no such script in TEST_PROGS' % name)

    def __call__(self, name, arg):
        t = self.target
        ku = lambda: self.get('ku', lambda: counts.kunit(REPO, t))
        st = lambda: self.get('st', lambda: counts.selftests(REPO))
        sw = lambda: sum(c[1] for c in st())
        hw = lambda: sum(c[2] for c in st())
        v = {
            'TARGET': lambda: t,
            'BASE': lambda: self.base,
            'KUNIT_SUITES': lambda: '%d suites (%s)' % (
                len(ku()[0]), ', '.join(ku()[0])),
            'KUNIT_CASES': lambda: str(ku()[1]),
            'KUNIT_RESULTS': lambda: str(ku()[3]),
            'KUNIT_PARAM_CASES': lambda: _and(
                '%s (%d parameters)' % p
                for p in counts.kunit(REPO, 'mainline')[2]),
            'SELFTEST_CASES': lambda: str(sw() if not arg else
                                          self.script(st(), arg)),
            'SELFTEST_SCRIPTS': lambda: '%d scripts (%s)' % (
                len(st()), ', '.join('%s %d' % c[:2] for c in st())),
            'SELFTEST_MODES': lambda: 'the same %d cases in both modes' %
                sw() if all(c[1] == c[2] for c in st()) else
                '%d cases in software mode, %d in hardware mode' % (sw(),
                                                                    hw()),
            'SELFTEST_NEED_HW': lambda: str(sum(c[3] for c in st())),
            'TARGETS': lambda: str(len(counts.targets(REPO))),
            'TARGET_LIST': lambda: _and(counts.targets(REPO)),
            'VM_NICS': lambda: _and(counts.vm_nics(REPO)),
            'KUNIT_RESULT': lambda: result('kunit-' + t),
            'RESULT': lambda: result(arg),
        }.get(name)
        if v is None or (name == 'RESULT') != bool(arg) and \
           name != 'SELFTEST_CASES':
            die('unknown marker @%s%s@' % (name, ':' + arg if arg else ''))
        return v()


def text_indent(line):
    """Where the text of LINE starts, after its indent and a "- " bullet."""
    m = re.match(r'( *)(- )?', line)
    return m.end()


def fill(lines, values):
    """Substitute the markers; refill the paragraphs that had one but for
    @TARGET@ and @BASE@ (the same text indent, no blank line, a bullet
    starts a paragraph)."""
    out, i = [], 0
    sub = lambda s: INLINE.sub(lambda m: values(m.group(1), m.group(2)), s)
    bullet = lambda s: s.lstrip().startswith('- ')
    while i < len(lines):
        if not any(m.group(1) not in ('TARGET', 'BASE')
                   for m in INLINE.finditer(lines[i])):
            out.append(sub(lines[i]))
            i += 1
            continue
        ind, a, b, first = text_indent(lines[i]), len(out), i + 1, lines[i]
        while a > 0 and not bullet(first) and out[a - 1].strip() and \
                text_indent(out[a - 1]) == ind:
            a -= 1
            first = out[a]
        while b < len(lines) and lines[b].strip() and not bullet(lines[b]) \
                and text_indent(lines[b]) == ind:
            b += 1
        para = out[a:] + [sub(l) for l in lines[i:b]]
        del out[a:]
        text = ' '.join([para[0][ind:]] + [l.strip() for l in para[1:]])
        out += textwrap.wrap(text, 72,
                             initial_indent=para[0][:ind],
                             subsequent_indent=' ' * ind,
                             break_long_words=False, break_on_hyphens=False)
        i = b
    return out


def body_for(path, base, tags):
    target = tags[0]
    out = []
    state = None        # None: outside a block; else [keep_if, in_else]
    for n, line in enumerate(open(path).read().split('\n'), 1):
        m = MARK.match(line)
        if not m:
            if line.startswith('@') and line.endswith('@') and \
               not INLINE.fullmatch(line):
                die('%s:%d: unknown marker %r' % (path, n, line))
            if state is None or state[0] != state[1]:
                out.append(line)
            continue
        word = m.group(1)
        if word.startswith('if '):
            if state is not None:
                die('%s:%d: @if@ inside @if@' % (path, n))
            listed = any(t in tags for t in m.group(3).split())
            state = [listed != bool(m.group(2)), False]
        elif word == 'else':
            if state is None or state[1]:
                die('%s:%d: @else@ without @if@' % (path, n))
            state[1] = True
        else:
            if state is None:
                die('%s:%d: @endif@ without @if@' % (path, n))
            state = None
    if state is not None:
        die('%s: @if@ without @endif@' % path)
    return '\n'.join(fill(out, Values(target, base))).rstrip('\n')


def main(argv):
    if len(argv) >= 5 and argv[1] == '--body':
        print(body_for(argv[2], argv[3], argv[4:]))
        return
    if len(argv) < 6:
        die('usage: cover.py COVER_PATCH SUBJECT_FILE BODY_FILE BASE TARGET [TAG...]')
    path, subj_file, body_file, base = argv[1:5]
    s = open(path).read()
    subject = open(subj_file).read().strip()
    for blurb in ('*** SUBJECT HERE ***', '*** BLURB HERE ***'):
        if blurb not in s:
            die('%s has no %r' % (path, blurb))
    s = s.replace('*** SUBJECT HERE ***', subject)
    s = s.replace('*** BLURB HERE ***', body_for(body_file, base, argv[5:]))
    open(path, 'w').write(s)


if __name__ == '__main__':
    main(sys.argv)
