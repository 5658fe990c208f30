"""The demo plan built from the bundled Xuân Trường appendix when no database exists yet."""
from __future__ import annotations

from .import_commit import commit_draft
from .importers import read_appendix
from .resources import DEMO_APPENDIX, resource_path
from .store import Store


def demo_appendix_path():
    return resource_path(*DEMO_APPENDIX)


def create_demo_plan(store: Store) -> str:
    """Import the bundled seed appendix as a new plan; returns its id."""
    draft = read_appendix(demo_appendix_path())
    result = commit_draft(store, draft)
    return result.plan_id


def ensure_demo_plan(store: Store) -> str | None:
    """Create the demo plan only when the database has no plan at all."""
    if store.list_plans():
        return None
    return create_demo_plan(store)
