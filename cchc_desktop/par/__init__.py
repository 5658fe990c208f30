"""Year-end PAR Index self-assessment (tự đánh giá, chấm điểm Chỉ số CCHC cấp xã), Qt-free.

catalog      criteria catalogues: import from the province's table (.xlsx/.docx), validation, the bundled example
mapping      links between criteria and the plan's tasks, products and evidence documents (proposed, confirmed)
scoring      self-assessed points, computed points for rules the app can evaluate, totals, explanations
outputs      the self-assessment table and report (ReportData: PDF, .xlsx, .docx) and the per-agency chase list
dossier      the evidence dossier: one folder per criterion with renamed copies of the files, plus an index
"""
