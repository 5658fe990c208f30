"""What every CLI module shares: choosing the plan a command works on."""
from __future__ import annotations

from .store import Store, StoreError


def pick_plan(store: Store, plan_id: str | None) -> str:
    """The plan whose id starts with ``plan_id``; without it, the first plan (newest year first)."""
    plans = store.list_plans()
    if plan_id:
        matches = [p["id"] for p in plans if p["id"].startswith(plan_id)]
        if len(matches) != 1:
            raise StoreError(f"Không tìm thấy kế hoạch duy nhất có mã bắt đầu bằng «{plan_id}».")
        return matches[0]
    if not plans:
        raise StoreError("Cơ sở dữ liệu chưa có kế hoạch nào. Hãy dùng lệnh «import» trước.")
    return plans[0]["id"]
