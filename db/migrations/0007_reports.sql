-- CCHC Desktop schema: report content (issue #13).
--
-- task.source_stt            the STT of the task as written in the signed plan ("37" when the plan numbers its
--                            tasks 1–46 straight through, "3" when it numbers per section, "1.1" …). Printed in
--                            the appendix and the reports, used in import warnings and exports. '' or NULL for
--                            tasks created before this version (they print their position in the section).
-- report_header.blank_signer '1' when the user chose to leave the signer's name blank (signed by hand); without
--                            it a report without a signer name comes with a warning.

ALTER TABLE task ADD COLUMN source_stt TEXT;
ALTER TABLE report_header ADD COLUMN blank_signer TEXT NOT NULL DEFAULT '';
