mod read;
mod write;

pub use write::AuthorInput;
