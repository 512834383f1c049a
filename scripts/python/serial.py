#!/usr/bin/env python3
"""Sizes a tree the way a Python script usually does: os.walk, then one lstat per entry, in one
process. Prints the total as `du -sb` does (apparent sizes of every entry, the root and the
directories included, a file with several links once), so the benchmark can check it.

Usage: serial.py DIR
"""
import os
import stat
import sys


def main() -> None:
    top = sys.argv[1]
    seen = set()
    total = os.lstat(top).st_size
    for root, dirs, files in os.walk(top):
        # os.walk lists symlinks to directories among `dirs`, and does not follow them.
        for name in dirs + files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in seen:
                    continue
                seen.add(key)
            total += st.st_size
    print(f"{total}\t{top}")


if __name__ == "__main__":
    main()
