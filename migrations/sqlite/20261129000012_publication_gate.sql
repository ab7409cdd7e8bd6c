-- The publication gate (app/src/draft/gate.rs) decides what of a version the public may read.
-- A publication may also release the whole text of its version for reading; only its part
-- takes comments.
alter table publication add column whole_text integer not null default 0;
-- A scheduled publication withdrawn before it opened releases nothing and notifies no one.
alter table publication add column withdrawn_at integer;
-- Each version's own title: public pages name a draft by its newest released text, never by a
-- version saved since.
alter table draft_version add column title text not null default '';
update draft_version set title = coalesce(json_extract(tree_json, '$.title'), '');
