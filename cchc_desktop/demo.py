"""The demo plan built from the bundled Xuân Trường appendix when no database exists yet."""
from __future__ import annotations

from . import changelog
from .resources import DEMO_APPENDIX, resource_path
from .store import Store


def demo_appendix_path():
    return resource_path(*DEMO_APPENDIX)


DEMO_PLAN_KEY = "demo_plan_id"


def create_demo_plan(store: Store) -> str:
    """Import the bundled seed appendix as a new plan, remembered as this database's demo plan."""
    from .import_commit import commit_draft   # the importers load only when a demo is made (issue 18)
    from .importers import read_appendix

    draft = read_appendix(demo_appendix_path())
    with store.transaction():
        result = commit_draft(store, draft)
        changelog.set_meta(store.db, DEMO_PLAN_KEY, result.plan_id)
    return result.plan_id


def demo_plan_id(store: Store) -> str | None:
    """The plan created as the demo (so lists can tell it from a real plan with the same name)."""
    return changelog.get_meta(store.db, DEMO_PLAN_KEY)


def ensure_demo_plan(store: Store) -> str | None:
    """Create the demo plan only when the database has no plan at all."""
    if store.list_plans():
        return None
    return create_demo_plan(store)
