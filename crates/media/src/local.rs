//! Media files in a local directory (the default, under the data directory).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use colophon_service::{Blob, BlobStore, StorageError};

/// Files in a local directory.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    /// Files under `root`: the directory is made by [`BlobStore::check`] at start-up, or by the
    /// first file put there, never before (a start-up refused for another reason leaves none).
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, StorageError> {
        Ok(Self { root: root.into() })
    }

    fn path(&self, name: &str) -> Result<PathBuf, StorageError> {
        let safe = !name.is_empty()
            && name.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        if safe { Ok(self.root.join(name)) } else { Err(StorageError::message(format!("refused file name {name:?}"))) }
    }
}

impl BlobStore for LocalBlobs {
    fn check(&self) -> Result<(), StorageError> {
        std::fs::create_dir_all(&self.root)
            .map_err(|e| StorageError::new(format!("creating {}", self.root.display()), e))
    }

    fn put(&self, name: &str, bytes: &[u8], _content_type: &str) -> Result<(), StorageError> {
        let path = self.path(name)?;
        let parent = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(parent).map_err(|e| StorageError::new("creating a directory", e))?;
        // Written beside, then renamed: a reader never sees half a file, and two writers of the
        // same name (the same bytes) both succeed.
        let temporary = parent.join(format!(".{}.{:016x}.part", file_name(&path), rand::random::<u64>()));
        let written = std::fs::File::create(&temporary)
            .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(error) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(StorageError::new(format!("writing {name}"), error));
        }
        Ok(())
    }

    fn get(&self, name: &str, range: Option<(u64, u64)>) -> Result<Option<Blob>, StorageError> {
        let path = self.path(name)?;
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(StorageError::new(format!("opening {name}"), error)),
        };
        let read = |file: &mut std::fs::File| -> std::io::Result<Blob> {
            let total = file.metadata()?.len();
            let (start, end) = range.unwrap_or((0, total.saturating_sub(1)));
            let length = if total == 0 { 0 } else { end.saturating_sub(start) + 1 };
            file.seek(SeekFrom::Start(start))?;
            let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
            file.take(length).read_to_end(&mut bytes)?;
            Ok(Blob { bytes, total })
        };
        read(&mut file).map(Some).map_err(|e| StorageError::new(format!("reading {name}"), e))
    }

    fn size(&self, name: &str) -> Result<Option<u64>, StorageError> {
        match std::fs::metadata(self.path(name)?) {
            Ok(meta) => Ok(Some(meta.len())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(StorageError::new(format!("reading {name}"), error)),
        }
    }

    fn delete(&self, name: &str) -> Result<(), StorageError> {
        match std::fs::remove_file(self.path(name)?) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(StorageError::new(format!("removing {name}"), error)),
        }
    }

    fn describe(&self) -> String {
        format!("local directory {}", self.root.display())
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_files_go_in_and_out_whole_and_in_ranges() {
        let dir = std::env::temp_dir().join(format!("colophon-blobs-{:x}", rand::random::<u64>()));
        let store = LocalBlobs::new(&dir).unwrap();
        assert_eq!(store.get("a.png", None).unwrap(), None);
        assert_eq!(store.size("a.png").unwrap(), None);
        store.put("variants/a-w320.png", b"0123456789", "image/png").unwrap();
        assert_eq!(store.size("variants/a-w320.png").unwrap(), Some(10));
        let part = store.get("variants/a-w320.png", Some((2, 4))).unwrap().unwrap();
        assert_eq!((part.bytes.as_slice(), part.total), (&b"234"[..], 10));
        assert_eq!(store.get("variants/a-w320.png", None).unwrap().unwrap().bytes, b"0123456789");
        store.delete("variants/a-w320.png").unwrap();
        store.delete("variants/a-w320.png").unwrap();
        assert_eq!(store.size("variants/a-w320.png").unwrap(), None);
        for bad in ["../x", "/etc/passwd", "a//b", "", "a/./b", "a b"] {
            assert!(store.put(bad, b"x", "image/png").is_err(), "{bad}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
