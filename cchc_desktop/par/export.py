"""Everything the year-end self-assessment sends, written to one folder (USB stick): the report and the scoring
table (PDF, .xlsx, and .docx when the Word renderer is present), the per-agency list of criteria lacking evidence,
and the evidence dossier. Used by the dialog and by `main.py par export`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..reports.document import render_pdf
from ..reports.report_xlsx import export_report_xlsx
from ..reports.templates import PAR_LETTER, PAR_SELF, preferred_template
from ..safe_write import SafeWriteError
from ..store import Store
from .dossier import DossierPlan, dossier_plan, export_dossier
from .outputs import build_par_report, build_score_table_report, chase_letters, chase_report
from .scoring import Assessment


@dataclass
class ExportResult:
    folder: Path
    written: list[str] = field(default_factory=list)
    dossier: DossierPlan | None = None
    templates: list[str] = field(default_factory=list)    # names of the templates the texts came from


def docx_renderer():
    """The Word renderer when this build has it (reports/docx_render.render_docx)."""
    try:
        from ..reports.docx_render import render_docx  # type: ignore[import-not-found]
    except ImportError:
        return None
    return render_docx


def export_all(store: Store, a: Assessment, out: str | Path, *, as_zip: bool = False, number: str = "",
               progress=None) -> ExportResult:
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SafeWriteError(f"Không tạo được thư mục «{out}»: {exc.strerror or exc}.") from exc
    result = ExportResult(out, dossier=dossier_plan(store, a))
    report_template = preferred_template(store, PAR_SELF)
    report = build_par_report(store, a.plan_id, a.catalog_id, a.ref_date, number=number or None,
                              template=report_template)
    letter_template = preferred_template(store, PAR_LETTER)
    letters_data = chase_letters(store, a, template=letter_template)     # a broken template stops before writing
    result.templates = [report_template.name, letter_template.name]
    table = build_score_table_report(store, a.plan_id, a.catalog_id, a.ref_date)
    docx = docx_renderer()
    steps = 2 * (3 if docx else 2) + 2
    done = 0

    def step(name: str) -> None:
        nonlocal done
        done += 1
        result.written.append(name)
        if progress:
            progress(done, steps)

    for data in (report, table):
        render_pdf(data, out / f"{data.file_stem}.pdf")
        step(f"{data.file_stem}.pdf")
        export_report_xlsx(data, out / f"{data.file_stem}.xlsx")
        step(f"{data.file_stem}.xlsx")
        if docx is not None:
            docx(data, out / f"{data.file_stem}.docx")
            step(f"{data.file_stem}.docx")
    chase = chase_report(store, a)
    if chase.appendices:
        export_report_xlsx(chase, out / f"{chase.file_stem}.xlsx")
        letters = out / f"Cong-van-de-nghi-tai-lieu-{a.year}"
        letters.mkdir(exist_ok=True)
        for letter in letters_data:                  # one công văn per agency, in Word for the leader to edit
            (docx or (lambda data, path: render_pdf(data, path.with_suffix(".pdf"))))(
                letter, letters / f"{letter.file_stem}.docx")
    step(f"{chase.file_stem}.xlsx" if chase.appendices else "")
    step(export_dossier(store, a, out, as_zip=as_zip).name)
    result.written = [w for w in result.written if w]
    return result
