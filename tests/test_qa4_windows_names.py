"""QA pass 4, Windows file names built from user data: a unit or agency named like a device (Côn → «con»,
Nul, Aux, Com1…) never gives a file name Windows refuses."""
from __future__ import annotations

import pytest

from cchc_desktop.filenames import RESERVED, windows_safe_name

DEVICE_LIKE = ["Côn", "Nul", "AUX", "Prn", "Com1", "Lpt¹", "Côn."]


def _accepted_by_windows(name: str) -> bool:
    return name == windows_safe_name(name, max_length=255) and not RESERVED.match(name)


@pytest.mark.parametrize("unit", DEVICE_LIKE)
def test_sync_folder_file_of_a_unit_named_like_a_device(store, unit):
    """The sync folder's own package was «con.1a2b3c4d.cchc» for «xã Côn»: the device CON on Windows."""
    from cchc_desktop.sync.folder import SUFFIX, is_candidate, own_file_name

    store.create_plan(unit, 2026)
    name = own_file_name(store)
    assert _accepted_by_windows(name), name
    assert name.endswith(SUFFIX) and is_candidate(name)


@pytest.mark.parametrize("agency", DEVICE_LIKE + ["Công an xã" * 20])
def test_agency_workbook_names_are_windows_names(agency):
    from cchc_desktop.exchange.workbook_export import workbook_file_name

    name = workbook_file_name("2026-Q2", agency)
    assert _accepted_by_windows(name), name
    assert len(name) <= 120
