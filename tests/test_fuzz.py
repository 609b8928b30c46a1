"""Property-based fuzzing of the extraction core and of file ingestion: arbitrary input never raises,
spans lie inside the text and match it, values are finite."""

import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.core.documents import Quarantined, SourceDocument, parse_bytes
from pipelines.core.extract import extract_text

# Text biased towards what the patterns look at: digits, numerals, units, punctuation, CJK.
ALPHABET = st.sampled_from(list("0123456789.,%％０１２３４５６７８９一二两三十百千万亿零〇余多近超约第位名个家元亿万吨公里年月日、，。；：“”《》()（）-~至分之成倍番 \n全市我省全国郑州市") )
TEXT = st.one_of(st.text(), st.text(alphabet=ALPHABET, max_size=400))
TRIED = {"texts": 0, "bytes": 0}


@given(TEXT)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extraction_never_raises_and_spans_hold(text: str):
    TRIED["texts"] += 1
    ex = extract_text("fuzz", text)
    for f in ex.facts:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert math.isfinite(f.value)
        if f.value_high is not None:
            assert math.isfinite(f.value_high)


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_ingestion_never_raises(data: bytes):
    TRIED["bytes"] += 1
    doc = parse_bytes(Path("fuzz.txt"), data)
    assert isinstance(doc, SourceDocument | Quarantined)
    if isinstance(doc, Quarantined):
        assert doc.reason
    else:
        extract_text(doc.doc_id, doc.text)


def test_report_how_many_inputs_were_tried():
    print(f"\nfuzzed {TRIED['texts']} texts and {TRIED['bytes']} byte strings")
    assert TRIED["texts"] >= 400 and TRIED["bytes"] >= 300
