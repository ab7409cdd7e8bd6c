//! Storage side of the workbench: loading an article's opinions, clustering them (keeping the
//! committee's edits), the edits themselves, dispositions, assignments, the audit trail and the
//! article's page. One module per concept.

mod assignment;
mod audit;
mod clustering;
mod dispositions;
mod edits;
mod load;
mod view;

pub use assignment::*;
use audit::*;
pub use clustering::*;
pub use dispositions::*;
pub use edits::*;
pub use load::*;
pub use view::*;
