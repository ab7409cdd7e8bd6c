-- The residents' requests a 微实事 project answers (the seed's 代表提: deputies propose projects
-- from what people asked for at their station); a request may be behind several projects.
create table micro_project_request (
    project_id integer not null references micro_project (id) on delete cascade,
    request_id integer not null references resident_request (id),
    primary key (project_id, request_id)
);
create index micro_project_request_request on micro_project_request (request_id);
