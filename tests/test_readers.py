"""Readers: front matter offsets, CSV, JSON and JSONL, errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postcheck.errors import PostcheckError
from postcheck.readers import expand, read_path


def test_front_matter_positions_point_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    path.write_text("---\naccount: official\nprofile_disclaimer: yes\nfoo: 3\n---\nHello\nsecond line here\n")
    (draft,) = read_path(str(path))
    assert draft.meta == {"account": "official", "profile_disclaimer": True, "foo": 3}
    start = draft.text.index("line")
    assert draft.position(start) == (7, 8)
    assert path.read_text()[draft.offset + start :].startswith("line")


def test_crlf_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_bytes(b"---\r\naccount: personal\r\n---\r\nabc\r\ndef\r\n")
    (draft,) = read_path(str(path))
    assert draft.meta["account"] == "personal"
    assert draft.position(draft.text.index("def")) == (5, 1)


@pytest.mark.parametrize("content,message", [
    ("---\naccount: personal\nno end\n", "never closed"),
    ("---\n- a\n- b\n---\ntext\n", "must be a mapping"),
    ("---\naccount: robot\n---\ntext\n", "account"),
    ("---\nkey: [unclosed\n---\ntext\n", "front matter"),
])
def test_bad_front_matter(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(content)
    with pytest.raises(PostcheckError) as info:
        read_path(str(path))
    assert message in str(info.value) and str(path) in str(info.value)


def test_csv_text_column_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("Date,Message,account\n2025-01-01,hello world,official\n2025-01-02,second,\n")
    drafts = read_path(str(path))
    assert [d.text for d in drafts] == ["hello world", "second"]
    assert drafts[0].item == "row 2" and drafts[0].meta["account"] == "official"
    assert drafts[0].meta["scheduled"].date().isoformat() == "2025-01-01"  # a scheduling tool's Date column


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(PostcheckError, match="no text column"):
        read_path(str(path))
    assert read_path(str(path), text_column="b")[0].text == "2"


def test_json_and_jsonl(tmp_path: Path) -> None:
    array = tmp_path / "a.json"
    array.write_text(json.dumps([{"text": "one", "platform": "x"}, {"text": "two"}]))
    lines = tmp_path / "b.jsonl"
    lines.write_text('{"text": "three"}\n\n{"text": "four", "account": "work"}\n')
    assert [d.item for d in read_path(str(array))] == ["record 1", "record 2"]
    assert read_path(str(lines))[1].meta == {"account": "work"}
    broken = tmp_path / "c.jsonl"
    broken.write_text('{"text": "ok"}\n{"text": \n')
    with pytest.raises(PostcheckError) as info:
        read_path(str(broken))
    assert ":2:" in str(info.value)


def test_directory_walk(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("y")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    assert [Path(p).name for p in expand([str(tmp_path)])] == ["a.txt", "b.md"]


def test_missing_and_binary(tmp_path: Path) -> None:
    with pytest.raises(PostcheckError, match="no such file"):
        read_path(str(tmp_path / "nope.txt"))
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02abc")
    with pytest.raises(PostcheckError, match="binary"):
        read_path(str(binary))
