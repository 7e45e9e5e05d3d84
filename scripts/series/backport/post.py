#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The steps of a backport that Coccinelle cannot do, after its rules ran.

    post.py TARGET DIR RULE...   (DIR: drivers/net/virtnet of a worktree;
                                  RULE...: the rules lib.sh applied)

1. layout (every target). Coccinelle's pretty printer does not follow
   kernel style for code a rule adds or rewrites: it aligns continuation
   lines of a changed parameter list to nothing, writes "){" after a
   function header that follows a comment, "}while", "for_each_x (",
   "(void *) p" for an added cast, splits a brace initializer over three
   lines and does not tab-align a new designated initializer with its
   neighbours, and leaves no blank line after a function it adds. This step fixes exactly those, and
   proves it changed nothing but whitespace: the file with all whitespace
   removed must be identical before and after.

2. What Coccinelle does not transform at all, each step keyed to the
   rule that calls for it, so that a target gets it with the rule:
   - netdev-tracker: kernel-doc lines of struct members a rule removed
     (comments);
   - kunit-visibility (no KUnit, 4.14): "#if IS_ENABLED(CONFIG_KUNIT) ...
     #endif" blocks (preprocessor conditionals);
   - kunit-visibility-header (KUnit without <kunit/visibility.h>, 5.10):
     the header's two macros, written into virtnet.h while the driver
     still uses them (a "#define VISIBLE_IF_KUNIT static" is beyond
     Coccinelle's parser);
   - comments that name what a rule removed (STALE_COMMENTS): each is
     replaced by exact text, and one that no longer matches the mainline
     source fails, so it cannot go stale silently.
   Each edit is listed on stdout.
"""

import os
import re
import sys

TAB = 8


def width(s):
    """Display width of a line prefix, tabs expanded."""
    col = 0
    for ch in s:
        col = (col // TAB + 1) * TAB if ch == '\t' else col + 1
    return col


def indent_to(col):
    return '\t' * (col // TAB) + ' ' * (col % TAB)


def squash(text):
    return re.sub(r'\s+', '', text)


# Top-level function header or prototype: starts in column 0, is not a
# preprocessor line, comment, label or brace, and opens a parenthesis.
HEADER = re.compile(r'^[A-Za-z_][\w \t\*]*\b\w+\(')


def align_params(lines):
    """Align continuation lines of top-level parameter lists to the '('."""
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = HEADER.match(line)
        depth = line.count('(') - line.count(')') if m else 0
        if depth <= 0:
            i += 1
            continue
        col = width(line[:m.end() - 1]) + 1
        i += 1
        while depth > 0 and i < len(lines):
            cont = lines[i]
            out.append(indent_to(col) + cont.lstrip(' \t'))
            depth += cont.count('(') - cont.count(')')
            i += 1
    return out


def split_header_brace(lines):
    """'...){' ending a top-level function header -> ')' and '{'."""
    out = []
    in_header = False
    for line in lines:
        if HEADER.match(line) and not line.rstrip().endswith(';'):
            in_header = True
        if in_header and re.search(r'\)\s*\{$', line):
            out.append(re.sub(r'\s*\{$', '', line))
            out.append('{')
            in_header = False
            continue
        if in_header and (line.startswith('{') or line.rstrip().endswith(
                (';', ')'))):
            in_header = False
        out.append(line)
    return out


def simple_fixes(lines):
    out = []
    for line in lines:
        line = line.rstrip(' \t')
        line = re.sub(r'\}while \(', '} while (', line)
        line = re.sub(r'\b((?:\w+_)?for_each\w*) \(', r'\1(', line)
        line = re.sub(r'\(void \*\) (?=\S)', '(void *)', line)
        out.append(line)
    return out


def collapse_brace_init(text):
    """'= {\\n\\t\\t.type = X\\n\\t\\t},' -> '= { .type = X },'. Only
    Coccinelle's form, with the closing brace indented like the member:
    a brace closed at the entry's own indentation was written that way."""
    return re.sub(r'^(\t[^\n]*)= \{\n\t\t(\.\w+ = [^\n,{}]+)\n\t\t\},$',
                  r'\1= { \2 },', text, flags=re.M)


# One entry of a designated initializer: "\t.name = value," or
# "\t[NAME] = value,".
DESIG = re.compile(r'^(\t)(\.\w+|\[\w+\])([ \t]*)= (.*)$')


def align_designators(lines):
    """Give entries of a designated initializer the '=' column of the
    entries around them (the column the existing ones agree on)."""
    out = list(lines)
    i = 0
    while i < len(out):
        if not DESIG.match(out[i]):
            i += 1
            continue
        j = i
        while j < len(out) and DESIG.match(out[j]):
            j += 1
        block = range(i, j)
        cols = {}
        for k in block:
            m = DESIG.match(out[k])
            if '\t' in m.group(3):
                c = width(m.group(1) + m.group(2) + m.group(3))
                cols[c] = cols.get(c, 0) + 1
        if cols:
            col = max(cols, key=lambda c: (cols[c], c))
            for k in block:
                m = DESIG.match(out[k])
                head = m.group(1) + m.group(2)
                if width(head) >= col or '\t' in m.group(3):
                    continue
                pad = ''
                w = width(head)
                while w < col:
                    pad += '\t'
                    w = (w // TAB + 1) * TAB
                if w != col:
                    continue        # cannot reach it with tabs: leave it
                out[k] = head + pad + '= ' + m.group(4)
        i = j
    return out


def collapse_blank_lines(lines):
    out = []
    for line in lines:
        if line == '' and out and out[-1] == '':
            continue
        out.append(line)
    return out


def blank_after_function(lines):
    """A blank line after the '}' closing a top-level function, which
    Coccinelle leaves out when a rule adds a function."""
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ''
        if line == '}' and nxt != '' and \
                not nxt.startswith(('EXPORT_SYMBOL', '#')):
            out.append('')
    return out


def break_long_conditions(lines):
    """Break an 'if (a && b) {' longer than 80 columns after '&&' or '||',
    continuation aligned inside the parenthesis, as checkpatch wants."""
    out = []
    for line in lines:
        m = re.match(r'^\t+(?:if|while) \(', line)
        if m:
            col = width(m.group(0))
            while width(line) > 80:
                cut = None
                for op in re.finditer(r' (&&|\|\|) ', line):
                    if width(line[:op.end(1)]) <= 80:
                        cut = op
                if not cut:
                    break
                out.append(line[:cut.end(1)])
                line = indent_to(col) + line[cut.end():]
        out.append(line)
    return out


def layout(text):
    before = squash(text)
    text = collapse_brace_init(text)
    lines = text.split('\n')
    lines = simple_fixes(lines)
    lines = split_header_brace(lines)
    lines = align_params(lines)
    lines = align_designators(lines)
    lines = break_long_conditions(lines)
    lines = blank_after_function(lines)
    lines = collapse_blank_lines(lines)
    text = '\n'.join(lines)
    if squash(text) != before:
        raise SystemExit('post.py: layout step changed more than whitespace')
    return text


def drop_kunit_blocks(text, name):
    """Remove '#if IS_ENABLED(CONFIG_KUNIT)' ... '#endif' (no #else)."""
    lines = text.split('\n')
    out = []
    i = 0
    while i < len(lines):
        if re.match(r'^#if IS_ENABLED\(CONFIG_KUNIT\)\s*$', lines[i]):
            depth = 1
            j = i + 1
            while j < len(lines) and depth:
                if re.match(r'^#\s*if', lines[j]):
                    depth += 1
                elif re.match(r'^#\s*endif', lines[j]):
                    depth -= 1
                elif depth == 1 and re.match(r'^#\s*el', lines[j]):
                    raise SystemExit('post.py: %s: #else in a CONFIG_KUNIT '
                                     'block, not handled' % name)
                j += 1
            print('post.py: %s: removed lines %d-%d (CONFIG_KUNIT block)' %
                  (name, i + 1, j))
            # and one of the blank lines around it
            if out and out[-1] == '' and j < len(lines) and lines[j] == '':
                j += 1
            i = j
            continue
        out.append(lines[i])
        i += 1
    return '\n'.join(out)


def drop_stale_member_docs(text, name):
    """In a kernel-doc comment right before 'struct X {', drop the
    '@member:' paragraphs of members the struct no longer has."""
    pat = re.compile(r'(/\*\*\n(?: \*[^\n]*\n)*? \*/\n)(struct (\w+) \{\n(.*?)\n\};)',
                     re.S)

    def fix(m):
        doc, body = m.group(1), m.group(4)
        members = set(re.findall(r'\b(\w+)\s*(?:\[[^\]]*\])?;', body))
        members |= set(re.findall(r'\(\s*\*\s*(\w+)\s*\)', body))
        lines = doc.split('\n')
        out = []
        skip = False
        for line in lines:
            md = re.match(r'^ \* @(\w+):', line)
            if md:
                skip = md.group(1) not in members
                if skip:
                    print('post.py: %s: struct %s: dropped kernel-doc of '
                          'removed member @%s' % (name, m.group(3),
                                                  md.group(1)))
            elif not re.match(r'^ \*\t', line):
                skip = False
            if not skip:
                out.append(line)
        return '\n'.join(out) + m.group(2)

    return pat.sub(fix, text)


# (file, mainline text, text after the rule, the rule that made it stale).
STALE_COMMENTS = [
    ('virtnet.h',
     ' * @lower: the device virtnet is stacked on; held through @lower_tracker\n',
     ' * @lower: the device virtnet is stacked on; a reference is held\n',
     'netdev-tracker'),
    ('receive.c',
     " * clone. The lower's outgoing frames are not ours: the tap is registered\n"
     " * with ignore_outgoing, and the check below keeps it that way for a\n"
     " * caller that delivers them anyway.\n",
     " * clone. The lower's outgoing frames are not ours: the check below drops\n"
     " * them.\n",
     'ptype-ignore-outgoing'),
]


def fix_comments(text, name, edits):
    """Replace each comment of edits for this file; a second run finds
    the new text and changes nothing."""
    for fname, old, new, rule in edits:
        if fname != name:
            continue
        if text.count(old) == 1:
            text = text.replace(old, new)
            print('post.py: %s: comment made stale by %s rewritten' %
                  (name, rule))
        elif text.count(new) != 1:
            raise SystemExit('post.py: %s: the comment made stale by %s '
                             'is not in the source any more: update '
                             'STALE_COMMENTS' % (name, rule))
    return text


# What <kunit/visibility.h> (v6.2; v6.1.y by stable) defines, for a kernel
# with KUnit but without that header: kunit-visibility-header.
VISIBILITY_MACROS = '''
/* <kunit/visibility.h> is newer than this kernel: its two macros. */
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_KUNIT(symbol) \\
	EXPORT_SYMBOL_NS(symbol, EXPORTED_FOR_KUNIT_TESTING)
#define VISIBLE_IF_KUNIT
#else
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#define VISIBLE_IF_KUNIT static
#endif
'''
# (each export macro right after the #if/#else: after another #define
# checkpatch takes it for an EXPORT_SYMBOL() away from its symbol)


def uses_visibility_macros(d):
    for name in sorted(os.listdir(d)):
        if name.endswith(('.c', '.h')):
            with open(os.path.join(d, name)) as f:
                text = f.read()
            if re.search(r'\b(VISIBLE_IF_KUNIT|EXPORT_SYMBOL_IF_KUNIT)\b',
                         text.replace(VISIBILITY_MACROS, '')):
                return True
    return False


def add_visibility_macros(text, name):
    """After the last #include of the header, once."""
    if VISIBILITY_MACROS in text:
        return text
    incs = list(re.finditer(r'^#include [^\n]*\n', text, flags=re.M))
    if not incs:
        raise SystemExit('post.py: %s: no #include to put the KUnit '
                         'visibility macros after' % name)
    at = incs[-1].end()
    print('post.py: %s: KUnit visibility macros added '
          '(kunit-visibility-header)' % name)
    return text[:at] + VISIBILITY_MACROS + text[at:]


def main():
    if len(sys.argv) < 3:
        raise SystemExit('usage: post.py TARGET DIR RULE...')
    d, rules = sys.argv[2], set(sys.argv[3:])
    visibility = 'kunit-visibility-header' in rules and \
        uses_visibility_macros(d)
    names = sorted(os.listdir(d))
    if os.path.isdir(os.path.join(d, 'tests')):
        names += ['tests/' + n for n in sorted(os.listdir(os.path.join(d, 'tests')))]
    for name in names:
        if not name.endswith(('.c', '.h')):
            continue
        path = os.path.join(d, name)
        with open(path) as f:
            text = f.read()
        new = layout(text)
        if 'kunit-visibility' in rules:
            new = drop_kunit_blocks(new, name)
        if 'netdev-tracker' in rules:
            new = drop_stale_member_docs(new, name)
        new = fix_comments(new, name, [c for c in STALE_COMMENTS
                                       if c[3] in rules])
        if visibility and name == 'virtnet.h':
            new = add_visibility_macros(new, name)
        if new != text:
            with open(path + '.post', 'w') as f:
                f.write(new)
            os.replace(path + '.post', path)


if __name__ == '__main__':
    main()
