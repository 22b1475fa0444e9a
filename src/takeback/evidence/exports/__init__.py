"""The pack's exports, each made from one :class:`~takeback.evidence.case.Case`.

report (the content), html and pdf (the report rendered), csv (identifiers for
spreadsheets), case_uco (CASE/UCO JSON-LD) and stix (STIX 2.1 bundle).
"""
