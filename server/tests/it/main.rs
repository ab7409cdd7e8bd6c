//! The integration suite: drives `server::router(state)` without a socket.
//!
//! Runs on SQLite by default. With `YIJIAN_TEST_DATABASE=postgres` (and optionally
//! `YIJIAN_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`) every test gets a
//! fresh PostgreSQL database instead; `.ci/run` runs the suite both ways.

mod support;

mod auth;
mod batches;
mod caching;
mod campaigns;
mod cases;
mod chasing;
mod cli;
mod comments;
mod crash;
mod exports;
mod forms;
mod gate;
mod mail;
mod matrix;
mod micro;
mod moderation;
mod notices;
mod pages;
mod query_syntax;
mod requests;
mod roster;
mod search;
mod search_quality;
mod storage;
mod themes;
mod trust;
mod workbench;
