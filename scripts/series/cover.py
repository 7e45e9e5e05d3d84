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
subject of the base tree's commit. The result replaces format-patch's
"*** SUBJECT HERE ***" and "*** BLURB HERE ***".
"""

import re
import sys

MARK = re.compile(r'^@(if (!?)([^@]+)|else|endif)@$')


def die(msg):
    sys.stderr.write('cover.py: %s\n' % msg)
    sys.exit(1)


def body_for(path, base, tags):
    target = tags[0]
    out = []
    state = None        # None: outside a block; else [keep_if, in_else]
    for n, line in enumerate(open(path).read().split('\n'), 1):
        m = MARK.match(line)
        if not m:
            if line.startswith('@') and line.endswith('@') and \
               line not in ('@TARGET@', '@BASE@'):
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
    body = '\n'.join(out).rstrip('\n')
    return body.replace('@TARGET@', target).replace('@BASE@', base)


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
