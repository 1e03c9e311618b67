"""Builders for core's tests and for other apps' tests that need core objects: the check
that the PII guard's findings are well formed."""

from __future__ import annotations

from core.pii import KINDS, Finding


def assert_well_formed(text: str, findings: list[Finding]) -> None:
    previous_end = 0
    for finding in findings:
        assert finding.kind in KINDS
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        assert str(finding.message)
        assert finding.start >= previous_end, "findings overlap or are out of order"
        previous_end = finding.end
