//! Clusters of similar opinions and copy-paste campaigns. `algo.rs` is the pure algorithm the
//! workbench, `yijian cluster` and `yijian bench cluster` share.

#[cfg(feature = "ssr")]
pub mod algo;
