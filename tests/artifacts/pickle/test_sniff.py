"""Recognising header-less (protocol 0/1) pickles without mistaking text for one."""

from __future__ import annotations

import json
import pickle

import pytest

from stackward.artifacts.pickle.sniff import looks_like_pickle

PICKLES = {
    "p0-dict": pickle.dumps({"a": [1, 2.5, "x"], "b": None}, protocol=0),
    "p1-dict": pickle.dumps({"a": [1, 2.5, "x"], "b": None}, protocol=1),
    "p0-set": pickle.dumps({1, 2}, protocol=0),
    "p1-set": pickle.dumps({1, 2}, protocol=1),
    "p0-list": pickle.dumps([1, 2, 3], protocol=0),
    "p0-global": b"cos\nsystem\n(Vtouch /tmp/stackward-payload-marker\ntR.",
    "p0-inst": b"(Vx\nimypkg\nNet\n.",
    "p1-long-data-prefix": pickle.dumps(["x" * 10 for _ in range(50)], protocol=1)[:4096],
    "p0-long-string-first": pickle.dumps({"k": "v" * 9000}, protocol=0)[:4096],
    "p0-opens-with-long-text": (b"V" + b"x" * 9000 + b"\n0cos\nsystem\n")[:4096],
    "p0-opens-with-long-quoted": (b"S'" + b"x" * 9000 + b"'\n0")[:4096],
}

NOT_PICKLES = {
    "empty": b"",
    "english": b"hello world, this is a readme\n",
    "json": json.dumps({"a": [1, 2, 3], "class_name": "Dense"}).encode(),
    "csv": b"a,b,c\n1,2,3\n4,5,6\n",
    "python": b"import os\nos.system('x')\n",
    "yaml": b"model:\n  name: net\n",
    "word-like-global": b"cat\ndog\nhello\n",
    "single-stop": b".",
    "markdown": b"# Title\n\nSome text.\n",
    "xml": b"<?xml version='1.0'?><a/>",
    "binary-noise": bytes(range(200, 256)) * 4,
    "digits": b"0123456789",
    "short-unterminated-quote": b"S'abc",
    "long-unquoted-s-line": b"S" + b"x" * 5000,
}


@pytest.mark.parametrize("data", PICKLES.values(), ids=PICKLES.keys())
def test_pickles_are_recognised(data: bytes) -> None:
    assert looks_like_pickle(data)


@pytest.mark.parametrize("data", NOT_PICKLES.values(), ids=NOT_PICKLES.keys())
def test_other_content_is_not_a_pickle(data: bytes) -> None:
    assert not looks_like_pickle(data)
