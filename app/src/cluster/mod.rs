//! Groups of opinions that make the same point, and copy-paste campaigns. `algo.rs` is the pure
//! algorithm the workbench, `yijian cluster` and `yijian bench cluster` share; `frame.rs` finds
//! the point inside a letter's courtesies, `campaign.rs` finds near-duplicates, `group.rs`
//! groups by the point made, `label.rs` names a group in its members' words.

#[cfg(feature = "ssr")]
pub mod algo;
#[cfg(feature = "ssr")]
pub mod campaign;
#[cfg(feature = "ssr")]
pub mod frame;
#[cfg(feature = "ssr")]
pub mod group;
#[cfg(feature = "ssr")]
pub mod label;
