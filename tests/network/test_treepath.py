import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuishou.network import treepath
from tuishou.network.treepath import MAX_ORDINAL, ancestor_paths, child_path, depth, encode_segment, split

ordinals = st.integers(min_value=0, max_value=MAX_ORDINAL)


def test_segment_lengths_grow_with_the_ordinal():
    assert encode_segment(0) == b"\x00"
    assert encode_segment(127) == b"\x7f"
    assert encode_segment(128) == b"\x80\x00"
    assert encode_segment(128 + 16383) == b"\xbf\xff"
    assert encode_segment(128 + 16384) == b"\xc0\x00\x00"
    assert len(encode_segment(MAX_ORDINAL)) == 5


@given(ordinals, ordinals)
def test_code_preserves_order(a, b):
    assert (encode_segment(a) < encode_segment(b)) == (a < b)


@given(st.lists(ordinals, min_size=1, max_size=30))
def test_paths_split_back_into_their_segments(levels):
    path = b""
    for ordinal in levels:
        path = child_path(path, ordinal)
    assert split(path) == [encode_segment(o) for o in levels]
    assert depth(path) == len(levels) - 1
    assert len(ancestor_paths(path)) == len(levels) - 1


@given(st.lists(ordinals, min_size=1, max_size=8), st.lists(ordinals, min_size=1, max_size=8))
def test_subtree_range_holds_exactly_the_descendants(a_levels, b_levels):
    a = b"".join(encode_segment(o) for o in a_levels)
    b = b"".join(encode_segment(o) for o in b_levels)
    low, high = treepath.subtree_bounds(a)
    in_range = low <= b < high
    is_descendant = b_levels[: len(a_levels)] == a_levels
    assert in_range == is_descendant == treepath.is_within(b, a)


def test_ancestors_are_listed_nearest_first():
    root = child_path(b"", 3)
    mid = child_path(root, 200)
    leaf = child_path(mid, 0)
    assert ancestor_paths(leaf) == [mid, root]


def test_a_two_thousand_level_chain_of_single_recruits_stays_indexable():
    path = b""
    for _ in range(2000):
        path = child_path(path, 0)
    assert len(path) == 2000 <= treepath.MAX_PATH_BYTES


@given(ordinals)
def test_segments_decode_back_to_their_ordinal(ordinal):
    assert treepath.decode_segment(encode_segment(ordinal)) == ordinal


def test_prefix_lengths_cut_the_path_and_its_ancestors():
    leaf = child_path(child_path(child_path(b"", 3), 200), 0)
    assert [leaf[:n] for n in treepath.prefix_lengths(leaf)] == [leaf, *ancestor_paths(leaf)]


def test_chain_ranges_merge_runs_of_first_children():
    path = b"\x05\x00\x00\x03\x00"
    assert treepath.chain_ranges(path) == [(b"\x05", b"\x05\x00\x00"), (b"\x05\x00\x00\x03", path)]
    assert treepath.chain_ranges(b"\x00") == [(b"\x00", b"\x00")]
    assert treepath.chain_ranges(b"\x00" * 600) == [(b"\x00", b"\x00" * 600)]


@given(st.lists(st.lists(st.integers(min_value=0, max_value=3) | ordinals, min_size=1, max_size=7), min_size=1,
                max_size=25))
def test_chain_ranges_hold_exactly_the_path_and_its_ancestors(branches):
    """In any tree (every prefix of the branches), the paths inside the ranges are the chain, nothing else."""
    paths = {b"".join(encode_segment(o) for o in branch[:n]) for branch in branches for n in range(1, len(branch) + 1)}
    for path in paths:
        ranges = treepath.chain_ranges(path)
        inside = {p for p in paths if any(low <= p <= high for low, high in ranges)}
        assert inside == {path, *ancestor_paths(path)}


@given(st.lists(st.integers(min_value=0, max_value=2) | ordinals, min_size=1, max_size=40))
def test_chain_range_ends_are_the_chain_ranges_as_lengths(branch):
    path = b"".join(encode_segment(o) for o in branch)
    lows, highs, levels = treepath.chain_range_ends(path)
    assert [(path[:low], path[:high]) for low, high in zip(lows, highs, strict=True)] == treepath.chain_ranges(path)
    assert levels == len(branch) == treepath.depth(path) + 1


def test_chain_range_ends_of_a_deep_run_and_bad_paths():
    assert treepath.chain_range_ends(b"\x05" + b"\x00" * 600 + b"\x81\x00\x00") == ([1, 603], [601, 604], 603)
    with pytest.raises(ValueError):
        treepath.chain_range_ends(b"\x05\xff")
    with pytest.raises(ValueError):
        treepath.chain_range_ends(b"\x05\x81")
