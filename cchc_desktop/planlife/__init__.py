"""The plan's whole life (issue #15), Qt-free: match (pairing revised rows), amend (diff, apply, undo,
amendment records), rollover (next year's plan), fiveyear (multi-year plan links, progress, period report)."""
