-- What converting an uploaded file (Word, PDF) left out — footnotes, page headers and numbers —
-- as JSON warnings shown with the preview.
alter table draft_preview add column notes text not null default '[]';
