"""`reading.sniff` over the foreign corpus: no organisation list is ever sniffed as "no"."""

from __future__ import annotations

from tests.reading.test_sniff import check_no_false_negative, spreadsheets


def test_no_list_of_the_foreign_corpus_is_missed(corpus):
    lists, false_positives = check_no_false_negative(spreadsheets(corpus))
    assert lists > 0
    print(f"foreign corpus: {lists} lists, {false_positives} false positives")  # (with -s)
