"""Exports of core data to files other programs open (Excel)."""
