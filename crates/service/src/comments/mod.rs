mod list;
mod moderate;

pub use moderate::QueueQuery;
