//! The crate's one error type.

use std::path::PathBuf;

/// What can go wrong when a table or chart is written out.
///
/// Building tables and drawing charts does not fail: bad numbers (NaN,
/// zeros on a log axis) are skipped or shown as such. Only the file system
/// can refuse.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or its parent folder could not be written.
    #[error("cannot write {}: {source} (check the folder exists and is writable)", path.display())]
    Write {
        /// The file we tried to write.
        path: PathBuf,
        /// Why the system refused.
        #[source]
        source: std::io::Error,
    },
}

/// A `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Writes `contents` to `path`, creating its parent folders first.
pub(crate) fn write_file(path: &std::path::Path, contents: &[u8]) -> Result<()> {
    let fail = |source| Error::Write { path: path.to_path_buf(), source };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, contents).map_err(fail)
}
