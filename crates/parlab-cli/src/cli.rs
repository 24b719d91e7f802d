//! The command line: subcommands, options, their help, and the parsers of their values.
//!
//! Values are parsed into parlab's own types here (rule, sampler, counts,
//! interval ends), so a bad value is reported by clap as one line naming the
//! option, and the library's constructors then validate what remains.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use parlab::{Rule, Sampler};

const JSON_INTEGRATE: &str = "\
JSON (--json) prints one object:
  integrand       catalogue name, or the expression as given to --fn
  formula         the function in the expression language
  from, to        the interval as given (from > to integrates with the sign flipped)
  rule, sampler   the rule and the sampler of sorted uniforms (random rules only use it)
  seed            the seed; the points for n come from the stream seeded by (seed, n)
  n               points (random rules) or panels (grid rules)
  value           the estimate; floats are written so they read back to the same bits
  evaluations     how many times f was evaluated
  error_estimate  the rule's own error estimate (monte-carlo: its standard error), else null
  exact, error    the catalogue's exact integral and value - exact; only with --integrand
                  over the entry's own interval (or its reverse), else absent
  backend         serial, rayon, process or mpi
  threads         threads, worker processes or MPI ranks used (1 for serial)
  block_size      points (or panels) per block: the estimate is cut into blocks, each with
                  its own random stream seeded by (seed, n, block), added in block order
  blocks          how many blocks (1 up to block_size points, and for the sort and bucket samplers)
  seconds         wall-clock time of the estimate
  peak_rss_bytes  this process's peak resident memory (VmHWM), null where unknown and
                  for process and mpi (the blocks ran in other processes)";

const JSON_SWEEP: &str = "\
JSON (--json) prints one object:
  integrand, formula, from, to, rule, sampler, seed   as for `parlab integrate --json`
  backend         serial, rayon, chunked, process or mpi
  threads         threads, worker processes or MPI ranks used (1 for serial)
  elapsed_seconds wall-clock time of the sweep
  exact           the catalogue's exact integral, only with --integrand over its interval
  points          one object per size, in order of n:
                    n, value, evaluations, error_estimate (null when none),
                    error (value - exact, only when exact is known),
                    empty_sum (true where the rule's sum has no terms, as the
                    lecture's for n = 0 and 1: its value 0 is not an estimate)
  tasks           the timeline, one object per size in the same order:
                    index, n, worker (thread, process or MPI rank, from 0),
                    start_seconds, end_seconds (from the start of the sweep)

CSV (--csv) prints the header `n,value,evaluations,error_estimate,error,empty_sum`
and one row per point; an absent value is an empty field.";

/// The interval's rules, for the long help of every command that integrates.
macro_rules! interval_note {
    () => {
        "\
The interval: --from and --to take numbers or constant expressions such as pi or
2*pi. They default to the catalogue entry's interval with --integrand, else
[0, 1]. A reversed interval (--from 1 --to 0) is integrated with the sign
flipped: the integral from b to a is minus the integral from a to b. An empty
(--from 1 --to 1) or non-finite interval is refused."
    };
}

/// parlab: the lecture's numerical integration, serial and parallel, with the same bits.
#[derive(Debug, Parser)]
#[command(
    name = "parlab",
    version,
    about = "Numerical integration, serial and parallel, with the same bits on every backend",
    long_about = "Numerical integration, serial and parallel, with the same bits on every backend.\n\n\
        parlab rebuilds the lecture \"Week 14 - Multiprocessing\" (numpy and multiprocessing.Pool \
        integrating 1/(1+x^2) by sorting random points): one estimate, a convergence sweep on \
        four backends (serial, rayon threads, static chunks, worker processes), and benchmarks.\n\n\
        Every error prints one line on stderr and exits with code 2.",
    after_help = "Examples:\n  parlab integrate --fn 'exp(-x^2)' --to 2 --rule simpson -n 100\n  \
        parlab sweep --rule lecture --samples 3000 --seed 7 --backend rayon --threads 2 --json\n  \
        parlab bench --against-lecture\n  \
        parlab bench --students"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One estimate of an integral
    #[command(long_about = concat!("One estimate of an integral.\n\n\
        Defaults: the lecture's integrand 1/(1+x^2) (catalogue `lecture`) on [0, 1], the \
        lecture's rule, n = 1000, the spacings sampler, seed 0.\n\n\
        The estimate is cut into blocks of 2^20 points (or panels), each drawing from its own \
        random stream seeded by (seed, n, block), and the blocks' sums are added in block order: \
        so --backend rayon --threads k gives the same bits as --backend serial for every k, and \
        an estimate of at most 2^20 points is the one `parlab sweep` computes for that n.\n\n\
        --backend process --threads k hands the blocks out to k worker processes in batches, as \
        the process sweep hands out sizes (the integrand goes to them as text: --integrand or \
        --fn); parlab adds the blocks' sums in block order, so the value is the same bits.\n\n\
        --backend mpi --threads K shares the blocks out to K MPI ranks as the sweep does (rank r \
        takes the blocks r, r + K, ...; parlab starts `mpiexec -n K`, or runs one rank under \
        `mpiexec -n K parlab integrate --backend mpi ...`): rank 0 adds the blocks' sums in block \
        order, so the value is the same bits again. --hostfile FILE goes to mpiexec.\n\n", interval_note!()), after_long_help = JSON_INTEGRATE)]
    Integrate(IntegrateArgs),

    /// The convergence sweep: one estimate per sample size, on any backend
    #[command(long_about = concat!("The convergence sweep: one estimate per sample size, on any backend.\n\n\
        This is the lecture's serial(samples, f, lb, ub) and multiprocess(processes, samples, f, lb, ub). \
        Every backend gives the same bits: the estimate for n draws from the stream seeded by \
        (seed, n), whichever thread or process computes it, so the value for n equals \
        `parlab integrate -n N` with the same seed.\n\n\
        --backend mpi runs the sizes on K MPI ranks: parlab starts `mpiexec -n K` with the rank \
        binary parlab-mpi (built with `cargo build -p parlab-mpi --features mpi`, next to parlab or \
        named by PARLAB_MPI_BIN), or, started by `mpiexec -n K parlab sweep --backend mpi ...`, each \
        parlab runs one rank. Rank r takes the sizes r, r + K, ...; rank 0 gathers the points and \
        prints them. --hostfile FILE goes to mpiexec to place the ranks on other hosts.\n\n", interval_note!()), after_long_help = JSON_SWEEP)]
    Sweep(SweepArgs),

    /// Time backends and thread counts, the lecture's numpy code against parlab, or what students run
    #[command(long_about = "Time backends and thread counts, the lecture's numpy code against parlab, or what \
        students run.\n\n\
        Without options: times the sweep on each backend and thread count (warm-up, repeats, \
        median/min/max), with pools built before the clock starts, and prints speedup, efficiency, \
        the Karp-Flatt serial fraction and an Amdahl fit, with the machine named.\n\n\
        With --against-lecture: runs the lecture's Python code (numpy, multiprocessing) and parlab's \
        sweeps interleaved, in one run, and prints medians, spread and ratios, the cost per sample \
        against generating the random numbers alone, and the peak memory of one estimate with \
        n = 10^9.\n\n\
        With --students: the lecture's sweep (N = 10000) as students run it, each beside the \
        catalogue's `lecture` integrand: a plain `fn` item passed as &dyn Integrand, the expression \
        '1/(1+x^2)', the process backend with 2 workers, all in this process; the lecture's numpy \
        serial code; and as fresh commands, `parlab sweep --fn '1/(1+x^2)'`, `--integrand lecture` \
        and `--integrand lecture --backend process --threads 2`; with the cost per sample of one \
        estimate at n = 10^6. All interleaved round by round in one run, with medians, min/max, \
        spread, ratios, the load before and after, and the machine named.\n\n\
        Both comparisons with numpy need a Python with numpy: --python, else PARLAB_PYTHON, else \
        target/lab/venv, else a venv the bench makes in target/bench/venv.")]
    Bench(BenchArgs),

    /// List the named integrands, their intervals, exact values and what each teaches
    Catalogue(CatalogueArgs),

    /// Serve tasks for the process backend over stdin and stdout (internal)
    #[command(hide = true)]
    Worker,

    /// Count in this process's own memory and print the result (internal:
    /// `parlab::process::count_in_worker` runs it to show that processes share nothing)
    #[command(hide = true)]
    Count(CountArgs),
}

#[derive(Debug, Args)]
pub struct CountArgs {
    /// The value the worker's counter starts from
    #[arg(long, value_name = "START", default_value = "0", value_parser = parse_count)]
    pub start: u64,

    /// How many times to add one
    #[arg(long, value_name = "TIMES", value_parser = parse_count)]
    pub times: u64,
}

const HEADING: &str = "Integrand and rule";

/// What to integrate, where, and how: shared by every subcommand that integrates.
#[derive(Debug, Args)]
pub struct Problem {
    /// The integrand as an expression in x, e.g. '1/(1+x^2)' or 'exp(-x^2)*sin(3*x)'
    ///
    /// Operators + - * / ^ and parentheses; the variable x; the constants pi and e;
    /// the functions sin cos tan asin acos atan sinh cosh tanh exp ln log10 log2
    /// sqrt cbrt abs signum floor ceil. Expressions travel to worker processes as text.
    #[arg(help_heading = HEADING, long = "fn", value_name = "EXPR", conflicts_with = "integrand", allow_hyphen_values = true)]
    pub expr: Option<String>,

    /// A named integrand from the catalogue (see `parlab catalogue`) [default: lecture]
    #[arg(help_heading = HEADING, long, value_name = "NAME")]
    pub integrand: Option<String>,

    /// Lower end of the interval [default: the entry's, else 0]
    #[arg(help_heading = HEADING, long, value_name = "A", allow_hyphen_values = true, value_parser = parse_end)]
    pub from: Option<f64>,

    /// Upper end of the interval [default: the entry's, else 1]
    #[arg(help_heading = HEADING, long, value_name = "B", allow_hyphen_values = true, value_parser = parse_end)]
    pub to: Option<f64>,

    /// The rule: lecture, partition, monte-carlo, midpoint, trapezoid or simpson
    #[arg(help_heading = HEADING, long, value_name = "RULE", default_value = "lecture", value_parser = parse_rule)]
    pub rule: Rule,

    /// How random rules get sorted uniforms: spacings (O(n), streams), bucket (O(n)) or sort (the lecture's O(n log n))
    #[arg(help_heading = HEADING, long, value_name = "SAMPLER", default_value = "spacings", value_parser = parse_sampler)]
    pub sampler: Sampler,

    /// The seed; the estimate for n draws from the stream seeded by (seed, n)
    #[arg(help_heading = HEADING, long, value_name = "SEED", default_value = "0", allow_hyphen_values = true, value_parser = parse_seed)]
    pub seed: u64,
}

/// When to show progress on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum When {
    /// Only when stderr is a terminal
    Auto,
    /// Always (the bar draws only where stderr is a terminal; the work is split the same way)
    Always,
    /// Never
    Never,
}

#[derive(Debug, Args)]
pub struct IntegrateArgs {
    #[command(flatten)]
    pub problem: Problem,

    /// Points (random rules) or panels (grid rules); 1e6 style is accepted. The lecture rule needs n >= 2:
    /// below that its sum has no terms
    #[arg(short = 'n', value_name = "N", default_value = "1000", allow_hyphen_values = true, value_parser = parse_count)]
    pub n: u64,

    /// serial, rayon (the estimate's blocks shared by a thread pool), process (by worker processes) or mpi (by MPI ranks
    /// under mpiexec); the value is the same
    #[arg(long, value_name = "BACKEND", default_value = "serial", value_parser = parse_split_backend)]
    pub backend: String,

    /// Threads for the rayon backend, worker processes, or MPI ranks [default: the threads this process may use; under
    /// mpiexec, its ranks]
    #[arg(long, value_name = "K", allow_hyphen_values = true, value_parser = parse_count_usize)]
    pub threads: Option<usize>,

    /// With --backend mpi: the hosts to run the ranks on, passed to `mpiexec -f FILE` (MPICH's format: `host[:ranks]` per line)
    #[arg(long, value_name = "FILE")]
    pub hostfile: Option<PathBuf>,

    /// Points (or panels) per block, in place of 2^20: for tests, which check many blocks with small n.
    /// The value changes with the block size (other streams), never with the backend
    #[arg(long, value_name = "B", hide = true, value_parser = parse_count)]
    pub block_size: Option<u64>,

    /// Print one JSON object (its fields are listed at the end of --help)
    #[arg(long)]
    pub json: bool,

    /// Show a spinner on stderr for long estimates
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub progress: When,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("sizes-given").args(["samples", "sizes"]).required(true))]
pub struct SweepArgs {
    #[command(flatten)]
    pub problem: Problem,

    /// Every n below N that the rule accepts (lecture: n = 0, 1, ..., N-1, as in the lecture)
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_count, conflicts_with = "sizes")]
    pub samples: Option<u64>,

    /// An explicit list of sizes, each checked against the rule, e.g. 10,20,40
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', value_parser = parse_count)]
    pub sizes: Option<Vec<u64>>,

    /// serial, rayon (a thread pool), chunked (one block of sizes per thread), process (worker processes) or mpi (MPI ranks under mpiexec)
    #[arg(long, value_name = "BACKEND", default_value = "rayon", value_parser = parse_backend_or_mpi)]
    pub backend: String,

    /// Threads, worker processes or MPI ranks [default: the threads this process may use; under mpiexec, its ranks]
    #[arg(long, value_name = "K", allow_hyphen_values = true, value_parser = parse_count_usize)]
    pub threads: Option<usize>,

    /// With --backend mpi: the hosts to run the ranks on, passed to `mpiexec -f FILE` (MPICH's format: `host[:ranks]` per line)
    #[arg(long, value_name = "FILE")]
    pub hostfile: Option<PathBuf>,

    /// Print one JSON object (its fields are listed at the end of --help)
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,

    /// Print CSV: a header and one row per point
    #[arg(long)]
    pub csv: bool,

    /// Show a progress bar on stderr (auto: only when stderr is a terminal)
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub progress: When,
}

const LECTURE_BENCH: &str = "The lecture's sweep (--against-lecture, --students)";

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub problem: Problem,

    /// Time the lecture's Python code (numpy, multiprocessing) against parlab, interleaved
    #[arg(long, help_heading = LECTURE_BENCH, conflicts_with = "students")]
    pub against_lecture: bool,

    /// Only the per-sample cost and the peak memory (part of --against-lecture)
    #[arg(long, help_heading = LECTURE_BENCH, conflicts_with_all = ["against_lecture", "students"])]
    pub per_sample: bool,

    /// Time what students run: their own fn, a --fn expression, the process backend and numpy, each beside the catalogue's lecture
    #[arg(long, help_heading = LECTURE_BENCH)]
    pub students: bool,

    /// The Python to run the lecture's code with [default: $PARLAB_PYTHON, else target/lab/venv, else a venv made in target/bench/venv]
    #[arg(long, value_name = "PATH", help_heading = LECTURE_BENCH)]
    pub python: Option<PathBuf>,

    /// Points of the one estimate timed per sample
    #[arg(long, value_name = "N", default_value = "1e6", help_heading = LECTURE_BENCH, value_parser = parse_count)]
    pub points: u64,

    /// Skip the peak-memory run (one estimate with n = 10^9; --against-lecture and --per-sample)
    #[arg(long, help_heading = LECTURE_BENCH)]
    pub no_memory: bool,

    /// The sweep runs n = 0..N-1 (the sizes the rule accepts below N) [default: 3000; 10000 with --against-lecture or --students]
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub samples: Option<u64>,

    /// Backends to time, e.g. serial,rayon,chunked,process
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "serial,rayon,chunked", value_parser = parse_backend)]
    pub backends: Vec<String>,

    /// Thread counts to time for each parallel backend [default: 1, 2, 4, ... up to the threads available]
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_count_usize)]
    pub threads: Option<Vec<usize>>,

    /// Untimed runs before the timed ones
    #[arg(long, value_name = "K", default_value = "1", value_parser = parse_count_usize)]
    pub warmup: usize,

    /// Timed runs of each measurement
    #[arg(long, value_name = "K", default_value = "5", value_parser = parse_count_usize)]
    pub repeats: usize,

    /// Print the result as one JSON object
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,

    /// Print Markdown tables, for the README
    #[arg(long)]
    pub markdown: bool,

    /// Show a progress bar on stderr (auto: only when stderr is a terminal)
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub progress: When,
}

#[derive(Debug, Args)]
pub struct CatalogueArgs {
    /// Print a JSON list of {name, formula, from, to, exact, teaches}
    #[arg(long)]
    pub json: bool,
}

fn parse_rule(text: &str) -> Result<Rule, parlab::Error> {
    text.parse()
}

fn parse_sampler(text: &str) -> Result<Sampler, parlab::Error> {
    text.parse()
}

fn parse_backend(text: &str) -> Result<String, parlab::Error> {
    parlab::Backend::parse(text, 1).map(|backend| backend.name().to_string())
}

/// A backend of the library, or `mpi`, which parlab runs itself.
fn parse_backend_or_mpi(text: &str) -> Result<String, parlab::Error> {
    if text.trim().eq_ignore_ascii_case(MPI) { Ok(MPI.to_string()) } else { parse_backend(text) }
}

/// A backend that runs one split estimate: any but chunked (its one block of
/// sizes per thread has no meaning for one estimate's blocks), named with
/// mpi here because the command, unlike the library, offers it.
fn parse_split_backend(text: &str) -> Result<String, String> {
    let name = parse_backend_or_mpi(text).map_err(|e| e.to_string())?;
    if name == "chunked" {
        return Err("the chunked backend does not run a split estimate: use serial, rayon, process or mpi".into());
    }
    Ok(name)
}

/// The name of the MPI backend.
pub const MPI: &str = "mpi";

fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| format!("the seed must be a whole number from 0 to {}", u64::MAX))
}

/// A count such as `1000`, `1_000_000` or `1e6`: a whole number, possibly in
/// scientific notation, so that `-n 1e9` reads as it is said.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let clean: String = text.trim().chars().filter(|&c| c != '_').collect();
    if let Ok(n) = clean.parse::<u64>() {
        return Ok(n);
    }
    let hint = "write a whole number such as 1000 or 1e6";
    let x: f64 = clean.parse().map_err(|_| format!("`{text}` is not a whole number: {hint}"))?;
    if !x.is_finite() || x < 0.0 || x.fract() != 0.0 {
        return Err(format!("`{text}` is not a whole number >= 0: {hint}"));
    }
    if x >= 18_446_744_073_709_551_616.0 {
        return Err(format!("`{text}` is too large: the largest count is {}", u64::MAX));
    }
    Ok(x as u64)
}

fn parse_count_usize(text: &str) -> Result<usize, String> {
    let n = parse_count(text)?;
    usize::try_from(n).map_err(|_| format!("`{text}` is too large"))
}

/// An interval end: a number (`nan` and `inf` parse, and are refused later
/// by the library with its own message) or a constant expression like `pi/2`.
pub fn parse_end(text: &str) -> Result<f64, String> {
    if let Ok(x) = text.trim().parse::<f64>() {
        return Ok(x);
    }
    let uses_x = text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|word| word == "x");
    if uses_x {
        return Err(format!("`{text}` uses x: an end of the interval must be a number or a constant such as pi/2"));
    }
    let expr = parlab::Expr::parse(text).map_err(|e| e.to_string())?;
    Ok(parlab::Integrand::eval(&expr, 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(parse_count("1000"), Ok(1000));
        assert_eq!(parse_count("1e6"), Ok(1_000_000));
        assert_eq!(parse_count("1_000"), Ok(1000));
        assert_eq!(parse_count("1e12"), Ok(1_000_000_000_000));
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("-3").is_err());
        assert!(parse_count("ten").is_err());
        assert!(parse_count("1e30").is_err());
    }

    #[test]
    fn interval_ends_take_constants() {
        assert_eq!(parse_end("pi"), Ok(std::f64::consts::PI));
        assert_eq!(parse_end("-1.5"), Ok(-1.5));
        assert!(parse_end("nan").unwrap().is_nan());
        assert!(parse_end("2*x").is_err());
        assert!(parse_end("1/(").is_err());
    }
}
