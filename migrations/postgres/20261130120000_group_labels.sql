-- Groups say what their opinions say. `summary`: the machine's label of a group, in its
-- opinions' own words (the committee's `label`, when set, still names it). `kind` 'other': the
-- one group per article of the opinions that fit no group (其他意见). `unique_point`: an opinion
-- unlike any other and in no campaign (独特意见), shown on its own.
alter table opinion_cluster add column summary text not null default '';
alter table opinion_cluster add column kind text not null default 'group';
alter table cluster_member add column unique_point bigint not null default 0;
