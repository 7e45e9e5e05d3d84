#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Put virtnet's hooks into an iproute2 tree's shared files.

usage: place.py TREE uapi|makefile|usage|man|maintainers REPO

  uapi      uapi/if_link-virtnet.h into include/uapi/linux/if_link.h,
            before the VXLAN section (where the kernel has it)
  makefile  iplink_virtnet.o at the end of IPOBJ in ip/Makefile
  usage     virtnet in the TYPE list of `ip link help` (ip/iplink.c)
  man       the pieces of iproute2/ip-link.8.in into man/man8/ip-link.8.in
  maintainers
            iproute2/MAINTAINERS.snippet into MAINTAINERS, among the
            sections after "Next Tree" in the order of their short names
            (the word after " - ", else the title)

Each step edits a file at an anchor that exists in every iproute2 the
series is made for (6.1 to 7.1), and fails loudly when the anchor is
missing rather than guessing, as scripts/series/place.py does for the
kernel.
"""
import importlib.util
import os
import re
import sys

# The anchor helpers of the kernel's place.py (scripts/series/place.py),
# loaded without leaving a __pycache__ in the repository.
sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location(
    'kernel_place',
    os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'place.py'))
_kernel_place = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_kernel_place)
edit = _kernel_place.edit
insert_after = _kernel_place.insert_after
insert_before = _kernel_place.insert_before


def replace_once(path, old, new):
    def fn(s):
        if new in s:
            return s
        if s.count(old) != 1:
            sys.exit(f'place.py: "{old.strip()}" found {s.count(old)} times '
                     f'in {path}, want once')
        return s.replace(old, new, 1)
    edit(path, fn)


def man(fragment):
    """Each piece of FRAGMENT (after a '.\\" --- NAME' line) at its anchor."""
    with open(fragment) as f:
        parts = re.split(r'^\.\\" --- (\w+):.*\n', f.read(), flags=re.M)[1:]
    pieces = dict(zip(parts[0::2], parts[1::2]))
    page = 'man/man8/ip-link.8.in'
    where = {
        'synopsis': (insert_after, '.BR virt_wifi " |"\n'),
        'types': (insert_after,
                  '.BR virt_wifi\n- rtnetlink wifi simulation device\n.sp\n'),
        'section': (insert_before, '.TP\nRMNET Type Support\n'),
    }
    if sorted(pieces) != sorted(where):
        sys.exit(f'place.py: {fragment} has pieces {sorted(pieces)}, '
                 f'want {sorted(where)}')
    for name, (fn, anchor) in where.items():
        fn(page, anchor, pieces[name])


def maintainers(path, snippet):
    with open(snippet) as f:
        entry = f.read().strip('\n')
    title = entry.split('\n', 1)[0]

    def key(section):
        return section.split('\n', 1)[0].split(' - ')[-1].strip().lower()

    def fn(s):
        sections = s.rstrip('\n').split('\n\n')
        if entry in sections:
            return s
        heads = [x.split('\n', 1)[0] for x in sections]
        if 'Next Tree' not in heads:
            sys.exit(f'place.py: no "Next Tree" section in {path}')
        pos = len(sections)
        for i in range(heads.index('Next Tree') + 1, len(sections)):
            if key(sections[i]) > title.lower():
                pos = i
                break
        sections.insert(pos, entry)
        return '\n\n'.join(sections) + '\n'
    edit(path, fn)


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: place.py TREE uapi|makefile|usage|man|maintainers REPO')
    tree, step, repo = sys.argv[1:4]
    os.chdir(tree)
    if step == 'uapi':
        with open(os.path.join(repo, 'uapi/if_link-virtnet.h')) as f:
            insert_before('include/uapi/linux/if_link.h',
                          '/* VXLAN section */', f.read())
    elif step == 'makefile':
        # The last object of IPOBJ, followed by the RTMONOBJ block.
        replace_once('ip/Makefile', ' ipstats.o\n\nRTMONOBJ',
                     ' ipstats.o iplink_virtnet.o\n\nRTMONOBJ')
    elif step == 'usage':
        replace_once('ip/iplink.c', '"          xfrm | virt_wifi }\\n"',
                     '"          xfrm | virt_wifi | virtnet }\\n"')
    elif step == 'man':
        man(os.path.join(repo, 'iproute2/ip-link.8.in'))
    elif step == 'maintainers':
        maintainers('MAINTAINERS', os.path.join(repo, 'iproute2/MAINTAINERS.snippet'))
    else:
        sys.exit(f'place.py: unknown step {step}')


if __name__ == '__main__':
    main()
