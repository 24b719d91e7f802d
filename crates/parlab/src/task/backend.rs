//! Which backend runs a sweep: a name and a count, recorded in every [`Sweep`](crate::Sweep).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which backend runs a sweep, and on how many threads or processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Backend {
    /// A plain loop.
    Serial,
    /// A rayon pool of `threads` threads.
    Rayon {
        /// Threads in the pool.
        threads: usize,
    },
    /// `threads` scoped threads, each with one contiguous block.
    Chunked {
        /// Scoped threads, one block each.
        threads: usize,
    },
    /// `workers` processes of the `parlab` binary.
    Process {
        /// Worker processes.
        workers: usize,
    },
}

impl Backend {
    /// The names of the backends, as the command line takes them.
    pub const NAMES: [&'static str; 4] = ["serial", "rayon", "chunked", "process"];

    /// The backend called `name`, on `threads` threads (ignored for `serial`).
    ///
    /// ```
    /// use parlab::Backend;
    /// assert_eq!(Backend::parse("rayon", 4), Ok(Backend::Rayon { threads: 4 }));
    /// assert_eq!(Backend::parse(" Processes ", 2).unwrap().to_string(), "process(2)");
    /// assert!(Backend::parse("gpu", 2).is_err() && Backend::parse("serial", 0).is_err());
    /// ```
    pub fn parse(name: &str, threads: usize) -> Result<Backend> {
        if threads == 0 {
            return Err(Error::ZeroThreads);
        }
        match name.trim().to_ascii_lowercase().as_str() {
            "serial" => Ok(Backend::Serial),
            "rayon" | "threads" | "pool" => Ok(Backend::Rayon { threads }),
            "chunked" | "static" => Ok(Backend::Chunked { threads }),
            "process" | "processes" => Ok(Backend::Process { workers: threads }),
            _ => Err(Error::UnknownBackend { name: name.to_string() }),
        }
    }

    /// The backend's name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Serial => "serial",
            Backend::Rayon { .. } => "rayon",
            Backend::Chunked { .. } => "chunked",
            Backend::Process { .. } => "process",
        }
    }

    /// How many threads or processes it uses.
    pub fn threads(self) -> usize {
        match self {
            Backend::Serial => 1,
            Backend::Rayon { threads } | Backend::Chunked { threads } => threads,
            Backend::Process { workers } => workers,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Serial => f.write_str("serial"),
            other => write!(f, "{}({})", other.name(), other.threads()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_to_backends_and_back() {
        for name in Backend::NAMES {
            let backend = Backend::parse(name, 3).unwrap();
            assert_eq!(backend.name(), name);
            assert_eq!(backend.threads(), if name == "serial" { 1 } else { 3 });
        }
        assert_eq!(Backend::parse("threads", 2), Ok(Backend::Rayon { threads: 2 }));
        assert_eq!(Backend::parse("STATIC", 2), Ok(Backend::Chunked { threads: 2 }));
        assert_eq!(Backend::parse("process", 5), Ok(Backend::Process { workers: 5 }));
        assert_eq!(Backend::Serial.to_string(), "serial");
        assert_eq!(Backend::Chunked { threads: 3 }.to_string(), "chunked(3)");
        assert_eq!(Backend::parse("serial", 0), Err(Error::ZeroThreads));
        assert_eq!(Backend::parse("gpu", 1), Err(Error::UnknownBackend { name: "gpu".into() }));
    }
}
