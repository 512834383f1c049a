#!/usr/bin/env python3
"""The usual way to make serial.py parallel: the same os.walk in the main process, its paths
sent in chunks of CHUNK to a ProcessPoolExecutor whose workers lstat them. Every chunk is
pickled out and its answer pickled back; the hard-linked files come back as (dev, ino, size)
for the main process to count once. Prints the total as `du -sb` does.

Usage: pool.py DIR [WORKERS [CHUNK]]   (defaults: os.cpu_count(), 1024)
"""
import os
import stat
import sys
from concurrent.futures import ProcessPoolExecutor


def sizes(paths):
    """One chunk: the sum of the entries with one link, and the hard-linked ones as they are."""
    total = 0
    linked = []
    for p in paths:
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
            linked.append((st.st_dev, st.st_ino, st.st_size))
        else:
            total += st.st_size
    return total, linked


def chunks(top, size):
    batch = []
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            batch.append(os.path.join(root, name))
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def main() -> None:
    top = sys.argv[1]
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count()
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
    total = os.lstat(top).st_size
    seen = set()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part, linked in pool.map(sizes, chunks(top, size)):
            total += part
            for dev, ino, st_size in linked:
                if (dev, ino) not in seen:
                    seen.add((dev, ino))
                    total += st_size
    print(f"{total}\t{top}")


if __name__ == "__main__":
    main()
