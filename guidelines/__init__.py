"""Endorsed guidelines, the endorsement workflow, versions, review dates and uptake."""
