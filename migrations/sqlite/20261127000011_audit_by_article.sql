-- The workbench shows an article's trail: each event names the article it belongs to (events
-- recorded before this migration have none).
alter table audit_event add column draft_id integer references draft (id) on delete cascade;
alter table audit_event add column article_uid text;
create index audit_event_article on audit_event (draft_id, article_uid, id);
