-- What a person typed into a form that a server refused, kept for one redisplay so that
-- nothing typed is lost without JavaScript (the browser is sent back to the form, which reads
-- it once by the id in a short-lived cookie). Passwords are never kept.
create table form_stash (
    id text primary key,
    action text not null,
    fields_json text not null,
    errors_json text not null,
    created_at bigint not null
);
create index form_stash_created on form_stash (created_at);
