"""`reading.sniff` over the foreign corpus: no organisation list is ever sniffed as "no"."""

from __future__ import annotations

from tests.reading.test_sniff import check_no_false_negative, spreadsheets


def test_no_list_of_the_foreign_corpus_is_missed(corpus):
    lists, false_positives = check_no_false_negative(spreadsheets(corpus))
    assert lists > 0
    print(f"foreign corpus: {lists} lists, {false_positives} false positives")  # (with -s)


def test_the_sniffs_top_rows_are_those_of_the_whole_grid(corpus):
    from tcxd.reading.sniff import SNIFF_ROWS
    from tcxd.reading.workbook import read_workbook_grids

    for path in spreadsheets(corpus):
        if path.suffix.lower() in (".csv", ".tsv"):
            continue
        try:
            whole = read_workbook_grids(path)
        except Exception:
            continue  # (refused by reading: the sniff says "may")
        top = read_workbook_grids(path, nrows=SNIFF_ROWS)
        assert [g.rows for g in top] == [g.rows[:SNIFF_ROWS] for g in whole], path
