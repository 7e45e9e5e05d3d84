#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Put virtnet's hooks into a kernel tree's shared files.

usage: place.py TREE uapi|kconfig|makefile|kunit|selftests|docs REPO

Each step edits files that other drivers share (if_link.h, Kconfig,
Makefile, MAINTAINERS, ...) at an anchor that exists from 4.14 to
mainline, and fails loudly when the anchor is missing rather than
guessing.
"""
import os
import re
import sys


def write(path, text):
    """Replace PATH, never write through it: scripts/series/backport/mktree
    hands us hard-linked copies of a pristine tree."""
    tmp = path + '.place-new'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def edit(path, fn):
    with open(path) as f:
        old = f.read()
    new = fn(old)
    if new != old:
        write(path, new)


def insert_before(path, anchor, text):
    def fn(s):
        if text in s:
            return s
        if anchor not in s:
            sys.exit(f'place.py: "{anchor.strip()}" not found in {path}')
        return s.replace(anchor, text + anchor, 1)
    edit(path, fn)


def insert_after(path, anchor, text):
    def fn(s):
        if text in s:
            return s
        if anchor not in s:
            sys.exit(f'place.py: "{anchor.strip()}" not found in {path}')
        return s.replace(anchor, anchor + text, 1)
    edit(path, fn)


def insert_sorted_line(path, regex, line):
    """Insert LINE among the lines matching REGEX, in sorted position."""
    def fn(s):
        lines = s.split('\n')
        if line in lines:
            return s
        idx = [i for i, l in enumerate(lines) if re.match(regex, l)]
        if not idx:
            sys.exit(f'place.py: no line matching {regex} in {path}')
        pos = idx[-1] + 1
        for i in idx:
            if lines[i] > line:
                pos = i
                break
        lines.insert(pos, line)
        return '\n'.join(lines)
    edit(path, fn)


def maintainers(path, snippet):
    """Insert SNIPPET before the first section whose title sorts after it."""
    title = snippet.split('\n', 1)[0]

    def fn(s):
        if title + '\n' in s:
            return s
        lines = s.split('\n')
        start = next(i for i, l in enumerate(lines)
                     if l.startswith('3C59X NETWORK DRIVER'))
        for i in range(start, len(lines) - 1):
            if (lines[i] and not lines[i - 1] and
                    re.match(r'^[A-Z]:\t', lines[i + 1]) and
                    lines[i].upper() > title.upper()):
                lines[i:i] = snippet.rstrip('\n').split('\n') + ['']
                return '\n'.join(lines)
        sys.exit('place.py: no place for the MAINTAINERS entry')
    edit(path, fn)


def copy(src, dst):
    with open(src) as f:
        write(dst, f.read())


def kunit(repo):
    src = os.path.join(repo, 'kunit')
    dst = 'drivers/net/virtnet/tests'
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if name == 'Makefile' or name.endswith(('.c', '.h')):
            copy(os.path.join(src, name), os.path.join(dst, name))
    copy(os.path.join(src, '.kunitconfig'), 'drivers/net/virtnet/.kunitconfig')
    with open(os.path.join(src, 'Kconfig')) as f:
        frag = f.read()
    edit('drivers/net/virtnet/Kconfig',
         lambda s: s if frag in s else s + '\n' + frag)
    hook = 'obj-$(CONFIG_VIRTNET_KUNIT_TEST) += tests/\n'
    edit('drivers/net/virtnet/Makefile',
         lambda s: s if hook in s else s + hook)


def ynl(fragment):
    """Describe the attributes in the rt-link YNL spec, next to netkit's."""
    spec = 'Documentation/netlink/specs/rt-link.yaml'
    with open(fragment) as f:
        parts = re.split(r'^# --- (\S+)\n', f.read(), flags=re.M)[1:]
    pieces = dict(zip(parts[0::2], parts[1::2]))
    # Each piece goes right after the netkit entry of its section.
    anchors = {
        'definitions': '      - name: single\n',
        'attribute-sets': '        enum: netkit-pairing\n',
        'sub-messages': '        attribute-set: linkinfo-netkit-attrs\n',
    }
    for section, text in pieces.items():
        insert_after(spec, anchors[section], text)


def main():
    tree, step, repo = sys.argv[1:4]
    os.chdir(tree)
    if step == 'uapi':
        with open(os.path.join(repo, 'uapi/if_link-virtnet.h')) as f:
            insert_before('include/uapi/linux/if_link.h',
                          '/* VXLAN section */', f.read())
    elif step == 'kconfig':
        insert_before('drivers/net/Kconfig', 'config VXLAN\n',
                      'source "drivers/net/virtnet/Kconfig"\n\n')
    elif step == 'makefile':
        insert_after('drivers/net/Makefile',
                     'obj-$(CONFIG_IPVLAN) += ipvlan/\n',
                     'obj-$(CONFIG_VIRTNET) += virtnet/\n')
    elif step == 'kunit':
        # The suites in drivers/net/virtnet/tests/, the symbol in the
        # driver's Kconfig, .kunitconfig where kunit.py looks for it.
        kunit(repo)
    elif step == 'selftests':
        # Among the drivers/net targets where they exist (they are not in
        # sorted position in the whole list), else among all targets.
        mk = 'tools/testing/selftests/Makefile'
        with open(mk) as f:
            has_drivers_net = re.search(r'^TARGETS \+= drivers/net', f.read(), re.M)
        insert_sorted_line(mk, r'^TARGETS \+= drivers/net' if has_drivers_net
                           else r'^TARGETS \+= ', 'TARGETS += drivers/net/virtnet')
    elif step == 'docs':
        index = 'Documentation/networking/index.rst'
        if os.path.exists(index):
            insert_sorted_line(index, r'^   [a-z0-9]', '   virtnet')
        with open(os.path.join(repo, 'MAINTAINERS.snippet')) as f:
            maintainers('MAINTAINERS', f.read())
    elif step == 'ynl':
        ynl(os.path.join(repo, 'uapi/rt-link-virtnet.yaml'))
    else:
        sys.exit(f'place.py: unknown step {step}')


if __name__ == '__main__':
    main()
