//! Themes across a draft: points that cut across articles (供热价格 raised on five articles),
//! proposed by the system from all opinions, confirmed by the committee, and assigned to new
//! opinions by a model trained on the committee's confirmed assignments, with a quality meter.
//! `model.rs` is the pure part (features, training, assignment, the meter, proposals).

#[cfg(feature = "ssr")]
pub mod model;
