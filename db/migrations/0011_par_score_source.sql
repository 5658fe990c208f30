-- CCHC Desktop: PAR points taken from a computed rule remember the computation they came from.
--
-- par_score.computed_how  the text of the computed rule («1/4 báo cáo đúng hạn: …→ 0,5 điểm») when the points
--                         were taken with «Lấy điểm tự tính»; '' for the user's own score. A score whose
--                         computation has changed since (a report recorded in the register, a task finished) is
--                         stale: nothing prints it until «Lấy điểm tự tính» updates it (cchc_desktop/par/scoring).
--                         Rows taken before this column existed are recognised by their explanation: the
--                         computed text ends with «→ <points> điểm» and no override reason was given.

ALTER TABLE par_score ADD COLUMN computed_how TEXT NOT NULL DEFAULT '';
UPDATE par_score SET computed_how = explanation
    WHERE override_reason = '' AND explanation LIKE '%→ % điểm' AND points IS NOT NULL;
