//! Server-only plumbing shared by every feature: the database handle, the application state
//! handed to server functions, and helpers for answering plain (no-JavaScript) form posts.

pub mod db;
pub mod state;
pub mod web;

pub use db::{now_ms, Backend, Db};
pub use state::{app_state, AppState, Settings};
