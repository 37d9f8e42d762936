"""Stored paths of the sponsor tree (pure Python: no Django import).

Why a stored path, and why these bytes
--------------------------------------
The sponsor tree is unlimited in depth and read far more than it is written: every paid order needs
the chain of ancestors, and team views count and sum whole subtrees. We store on each promoter the
*path* from the root to it, so that

* the ancestors come from one indexed read: ``WHERE path IN (<every proper prefix of my path>)``, or
  faster, a few index *ranges* (``chain_ranges``: a run of first children is contiguous in path order);
* a subtree is one index range: ``WHERE path >= P AND path < P || 0xFF`` — counted and summed with
  no recursion, the same SQL on SQLite and PostgreSQL;
* moving a subtree rewrites the prefix of the rows in that range with one UPDATE.

A recursive CTE walks one row per level per query; a closure table would hold depth rows per promoter
(hundreds for deep chains). Nested sets make every insert rewrite half the table.

The path is a byte string (``bytea``/``BLOB``) rather than text because bytes compare the same way on
both databases (PostgreSQL text compares under the column's collation, which is not byte order), and
because it is compact: PostgreSQL refuses btree entries over ~2.7 kB, so a path must stay short even
for chains of hundreds of levels. Each level is the promoter's *ordinal among its sponsor's children*
(not its id), in a prefix-free, order-preserving variable-length code: one byte for the first 128
children of a sponsor, two bytes up to 16,512, three up to ~2.1 M, and so on. Deep chains are made of
promoters with few recruits, so they cost about one byte a level (a 2,000-level chain: ~2 kB), while
the wide levels near the top of a preferential-attachment tree are few.

No segment's first byte is 0xFF, so ``path || 0xFF`` is an upper bound for every descendant's path
and for nothing else.
"""

from __future__ import annotations

import re

from tuishou.core.errors import InvalidInput
from tuishou.network.errors import NetworkError

# (first-byte tag, tag mask, payload bits, count of ordinals this length covers)
_CLASSES = (
    (0x00, 0x80, 7, 1 << 7),
    (0x80, 0xC0, 14, 1 << 14),
    (0xC0, 0xE0, 21, 1 << 21),
    (0xE0, 0xF0, 28, 1 << 28),
    (0xF0, 0xF8, 35, 1 << 35),
)
_OFFSETS = []
_acc = 0
for _cls in _CLASSES:
    _OFFSETS.append(_acc)
    _acc += _cls[3]
MAX_ORDINAL = _acc - 1
SUBTREE_END = b"\xff"
# PostgreSQL's btree limit is about 2,704 bytes per entry; keep a margin for the row's other columns.
MAX_PATH_BYTES = 2600


class PathTooDeep(InvalidInput):
    """The path would exceed what an index entry can hold (``network.path_too_deep``)."""


def encode_segment(ordinal: int) -> bytes:
    """The bytes of one level: ``ordinal`` is the promoter's place among its sponsor's children."""
    if ordinal < 0 or ordinal > MAX_ORDINAL:
        raise ValueError(f"ordinal {ordinal} out of range")
    for (tag, _mask, bits, count), offset in zip(_CLASSES, _OFFSETS, strict=True):
        if ordinal < offset + count:
            # 7 payload bits fill 1 byte, 14 fill 2, … 35 fill 5: the tag takes the rest of byte one.
            raw = (ordinal - offset).to_bytes(bits // 7, "big")
            return bytes([raw[0] | tag]) + raw[1:]
    raise AssertionError("unreachable")


def split(path: bytes) -> list[bytes]:
    """The path's segments, root first."""
    segments, i = [], 0
    while i < len(path):
        first = path[i]
        if first == 0xFF:
            raise ValueError("0xFF cannot start a segment")
        length = 1 if first < 0x80 else 2 if first < 0xC0 else 3 if first < 0xE0 else 4 if first < 0xF0 else 5
        segments.append(path[i:i + length])
        i += length
    if i != len(path):
        raise ValueError("truncated path")
    return segments


def ancestor_paths(path: bytes) -> list[bytes]:
    """Paths of every ancestor, nearest first (the sponsor's path first, the root's last)."""
    ends, total = [], 0
    for segment in split(path)[:-1]:
        total += len(segment)
        ends.append(total)
    return [path[:end] for end in reversed(ends)]


def depth(path: bytes) -> int:
    """Number of levels below the root: a root promoter has depth 0."""
    return len(split(path)) - 1


def child_path(parent: bytes, ordinal: int) -> bytes:
    """The path of the ``ordinal``-th child of ``parent`` (``b""`` for a root)."""
    path = parent + encode_segment(ordinal)
    if len(path) > MAX_PATH_BYTES:
        raise PathTooDeep(NetworkError.PATH_TOO_DEEP,
                          details={"path_bytes": len(path), "max_path_bytes": MAX_PATH_BYTES})
    return path


def subtree_bounds(path: bytes) -> tuple[bytes, bytes]:
    """``(low, high)`` with ``low <= p < high`` exactly for ``path`` and its descendants."""
    return path, path + SUBTREE_END


def is_within(path: bytes, root: bytes) -> bool:
    """True when ``path`` is ``root`` or one of its descendants (the code is prefix-free)."""
    return path.startswith(root)


def decode_segment(segment: bytes) -> int:
    """The ordinal one segment encodes (the inverse of ``encode_segment``)."""
    first = segment[0]
    for (tag, mask, bits, _count), offset in zip(_CLASSES, _OFFSETS, strict=True):
        if first & mask == tag:
            if len(segment) != bits // 7:
                raise ValueError("segment of the wrong length")
            return int.from_bytes(bytes([first & ~mask & 0xFF]) + segment[1:], "big") + offset
    raise ValueError("0xFF cannot start a segment")


def prefix_lengths(path: bytes) -> list[int]:
    """Byte lengths of the path and of each ancestor's path, nearest first: ``path[:n]`` for each ``n``.

    Sending these few integers with the path lets the database cut the ancestors' paths itself, instead
    of receiving every prefix (which adds up to depth²/2 bytes for a deep chain).
    """
    ends, total = [], 0
    for segment in split(path):
        total += len(segment)
        ends.append(total)
    return ends[::-1]


FIRST_CHILD = b"\x00"  # the segment of ordinal 0


def chain_ranges(path: bytes) -> list[tuple[bytes, bytes]]:
    """The path and every ancestor's, as few ``(low, high)`` ranges of the path index as the code allows.

    In path (byte) order a promoter's first child (ordinal 0, the segment ``00``) comes right after it: a path
    between ``P`` and ``P || 00`` would have to start with ``P`` and continue below ``00``. So a run of levels
    that are each their sponsor's first child is one contiguous stretch of the index, holding exactly those
    promoters, and ``low <= path <= high`` reads it in one range scan instead of one probe per level. Any other
    level starts a new range (a single path when its run is one level long). A deep chain of promoters with
    one recruit each is one range; a promoter near the top of a wide tree gets about one range per level,
    which is what probing every prefix cost anyway. Ranges are listed root first and do not overlap.
    """
    ranges: list[tuple[bytes, bytes]] = []
    end = 0
    for segment in split(path):
        end += len(segment)
        if ranges and segment == FIRST_CHILD:
            ranges[-1] = (ranges[-1][0], path[:end])  # the first child extends its sponsor's run
        else:
            ranges.append((path[:end], path[:end]))
    return ranges


# Bytes of a segment by its first byte (0: 0xFF, which starts no segment).
_SEGMENT_BYTES = bytes(1 if b < 0x80 else 2 if b < 0xC0 else 3 if b < 0xE0 else 4 if b < 0xF0 else 5 if b < 0xFF else 0
                       for b in range(256))
_FIRST_CHILDREN = re.compile(re.escape(FIRST_CHILD) + b"+")


def chain_range_ends(path: bytes) -> tuple[list[int], list[int], int]:
    """``chain_ranges(path)`` as byte lengths of ``path`` — ``(lows, highs, levels)``, range ``k`` being
    ``path[:lows[k]] .. path[:highs[k]]`` — and the number of levels (the chain's length).

    The hot path's form (every paid order): no prefix is copied, and a run of first children (consecutive ``00``
    segments) is skipped in one step, so a deep chain costs a few steps instead of one per level.
    """
    lows: list[int] = []
    highs: list[int] = []
    i, end, levels = 0, len(path), 0
    while i < end:
        if path[i] == 0 and highs:  # first children: extend the sponsor's run over every 00 segment in a row
            i = _FIRST_CHILDREN.match(path, i).end()
            levels += i - (highs[-1])
            highs[-1] = i
            continue
        step = _SEGMENT_BYTES[path[i]]
        if not step:
            raise ValueError("0xFF cannot start a segment")
        i += step
        if i > end:
            raise ValueError("truncated path")
        lows.append(i)
        highs.append(i)
        levels += 1
    return lows, highs, levels
