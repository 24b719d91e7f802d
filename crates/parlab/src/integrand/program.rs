//! An expression compiled into a flat program, run at one point or over a block of points.
//!
//! The parser's postfix steps become instructions over numbered registers,
//! each reading `x`, a constant or an earlier register and writing one
//! register: `1/(1+x^2)` is
//!
//! ```text
//! r0 = square(x)
//! r1 = 1 + r0
//! out = 1 / r1
//! ```
//!
//! An operation on constants alone is computed once, here, with the same
//! function the program would call, so folding it gives the same bits; nothing
//! is reordered (`x+1+2` stays (x+1)+2, which is not always x+3).
//!
//! Over a block, numpy style, each instruction runs over a whole chunk of
//! points before the next one starts: the cost of reading the program is
//! paid once per chunk, and each instruction is a tight loop over slices that
//! the compiler vectorises. At one point, the same instructions run on
//! single values. Both call the same functions ([`Unary::apply`],
//! [`Binary::apply`]) on the same operands in the same order, so they give
//! the same bits; IEEE arithmetic is the same in a vector lane as in a scalar
//! register, and Rust never fuses `a*b + c` into one rounding on its own.

use std::cell::RefCell;

use super::operation::{Binary, Unary};
use super::syntax::Step;

/// Where an instruction reads an operand.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Operand {
    X,
    Const(f64),
    Register(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Unary(Unary, Operand),
    Binary(Binary, Operand, Operand),
}

/// `dst = op`, where `dst` is never one of the op's own operands.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Instruction {
    op: Op,
    dst: usize,
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Program {
    code: Vec<Instruction>,
    /// The value of the whole expression: `x`, a constant, or the last instruction's register.
    result: Operand,
    /// How many registers the code uses.
    registers: usize,
}

/// How many points each instruction runs over before the next one starts:
/// small enough that the registers of a typical expression stay in the L1
/// cache, large enough that reading an instruction costs little per point.
const CHUNK: usize = 256;

/// Registers of one point, kept on the stack when an expression needs no more.
const ON_STACK: usize = 32;

thread_local! {
    // scope: global per thread; each thread evaluating blocks owns its own scratch registers.
    static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

impl Program {
    /// Compiles a well-formed sequence of postfix steps, as the parser writes them.
    ///
    /// # Panics
    ///
    /// If `steps` is not a postfix expression (an operation without its
    /// operands, or values left over): the parser never writes one.
    pub(crate) fn compile(steps: &[Step]) -> Program {
        let mut compiler = Compiler::default();
        for &step in steps {
            let operand = match step {
                Step::Number(value) => Operand::Const(value),
                Step::X => Operand::X,
                Step::Unary(f) => match compiler.pop() {
                    Operand::Const(a) => Operand::Const(f.apply(a)),
                    a => compiler.emit(Op::Unary(f, a)),
                },
                Step::Binary(op) => {
                    let b = compiler.pop();
                    let a = compiler.pop();
                    match (a, b) {
                        (Operand::Const(a), Operand::Const(b)) => Operand::Const(op.apply(a, b)),
                        (a, Operand::Const(two)) if op == Binary::Pow && two == 2.0 => {
                            compiler.emit(Op::Unary(Unary::Square, a))
                        }
                        (a, b) => compiler.emit(Op::Binary(op, a, b)),
                    }
                }
            };
            compiler.stack.push(operand);
        }
        let result = compiler.pop();
        assert!(compiler.stack.is_empty(), "a postfix expression leaves one value");
        Program { code: compiler.code, result, registers: compiler.registers }
    }

    /// The value at `x`.
    pub(crate) fn eval(&self, x: f64) -> f64 {
        if self.registers <= ON_STACK {
            self.run_point(x, &mut [0.0; ON_STACK])
        } else {
            self.run_point(x, &mut vec![0.0; self.registers])
        }
    }

    fn run_point(&self, x: f64, registers: &mut [f64]) -> f64 {
        let read = |operand: Operand, registers: &[f64]| match operand {
            Operand::X => x,
            Operand::Const(value) => value,
            Operand::Register(r) => registers[r],
        };
        for instruction in &self.code {
            registers[instruction.dst] = match instruction.op {
                Op::Unary(f, a) => f.apply(read(a, registers)),
                Op::Binary(op, a, b) => op.apply(read(a, registers), read(b, registers)),
            };
        }
        read(self.result, registers)
    }

    /// The values at every point of `xs`, into the start of `out`.
    ///
    /// # Panics
    ///
    /// If `out` is shorter than `xs`.
    pub(crate) fn eval_block(&self, xs: &[f64], out: &mut [f64]) {
        let out = &mut out[..xs.len()];
        match self.result {
            Operand::X => out.copy_from_slice(xs),
            Operand::Const(value) => out.fill(value),
            Operand::Register(_) => SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
                Ok(mut registers) => self.run_block(xs, out, &mut registers),
                // Only if an evaluation on this thread is already under way (it never calls back here).
                Err(_) => self.run_block(xs, out, &mut Vec::new()),
            }),
        }
    }

    /// Runs the code chunk by chunk; the last instruction writes into `out` directly.
    fn run_block(&self, xs: &[f64], out: &mut [f64], registers: &mut Vec<f64>) {
        let Some((last, body)) = self.code.split_last() else {
            unreachable!("a result in a register comes from an instruction");
        };
        if registers.len() < self.registers * CHUNK {
            registers.resize(self.registers * CHUNK, 0.0);
        }
        for (xs, out) in xs.chunks(CHUNK).zip(out.chunks_mut(CHUNK)) {
            for instruction in body {
                // scope: borrows the destination register mutably and every other one shared.
                let (below, rest) = registers.split_at_mut(instruction.dst * CHUNK);
                let (dst, above) = rest.split_at_mut(CHUNK);
                let others = Others { below, above, dst: instruction.dst };
                run(instruction.op, xs, &others, &mut dst[..xs.len()]);
            }
            let all = Others { below: &registers[..], above: &[], dst: usize::MAX };
            run(last.op, xs, &all, out);
        }
    }
}

/// The compiler's state: the operands of the steps read so far, and the code.
#[derive(Default)]
struct Compiler {
    stack: Vec<Operand>,
    code: Vec<Instruction>,
    /// Registers whose value no later instruction reads.
    free: Vec<usize>,
    registers: usize,
}

impl Compiler {
    fn pop(&mut self) -> Operand {
        self.stack.pop().expect("the parser writes well-formed postfix steps")
    }

    /// Appends `dst = op` with a register that none of its operands uses, then
    /// frees the operands' registers (each value is read once).
    fn emit(&mut self, op: Op) -> Operand {
        let dst = self.free.pop().unwrap_or_else(|| {
            self.registers += 1;
            self.registers - 1
        });
        self.code.push(Instruction { op, dst });
        let operands = match op {
            Op::Unary(_, a) => [Some(a), None],
            Op::Binary(_, a, b) => [Some(a), Some(b)],
        };
        for operand in operands.into_iter().flatten() {
            if let Operand::Register(r) = operand {
                self.free.push(r);
            }
        }
        Operand::Register(dst)
    }
}

/// Every register but the one being written, for one chunk.
struct Others<'a> {
    below: &'a [f64],
    above: &'a [f64],
    dst: usize,
}

impl Others<'_> {
    /// The first `n` values of register `r`.
    fn get(&self, r: usize, n: usize) -> &[f64] {
        match r.cmp(&self.dst) {
            std::cmp::Ordering::Less => &self.below[r * CHUNK..][..n],
            std::cmp::Ordering::Greater => &self.above[(r - self.dst - 1) * CHUNK..][..n],
            std::cmp::Ordering::Equal => unreachable!("an instruction never reads the register it writes"),
        }
    }
}

/// An operand over one chunk: a slice of values, or one value for every point.
#[derive(Clone, Copy)]
enum Values<'a> {
    Slice(&'a [f64]),
    Scalar(f64),
}

/// Runs one instruction over one chunk (`xs` and `out` have the chunk's length),
/// with a copy of the loops compiled for AVX2 when the CPU has it: the same
/// IEEE operations, so the same bits (a test compares blocks with points).
fn run(op: Op, xs: &[f64], registers: &Others<'_>, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        return unsafe { run_avx2(op, xs, registers, out) };
    }
    run_plain(op, xs, registers, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2(op: Op, xs: &[f64], registers: &Others<'_>, out: &mut [f64]) {
    run_plain(op, xs, registers, out)
}

#[inline(always)]
fn run_plain(op: Op, xs: &[f64], registers: &Others<'_>, out: &mut [f64]) {
    let values = |operand: Operand| match operand {
        Operand::X => Values::Slice(xs),
        Operand::Const(value) => Values::Scalar(value),
        Operand::Register(r) => Values::Slice(registers.get(r, out.len())),
    };
    match op {
        Op::Unary(f, a) => {
            let a = values(a);
            // The cheap operations get a loop of their own, so it vectorises;
            // a libm call costs far more than choosing it point by point.
            match f {
                Unary::Neg => map(a, out, |v| Unary::Neg.apply(v)),
                Unary::Square => map(a, out, |v| Unary::Square.apply(v)),
                Unary::Sqrt => map(a, out, |v| Unary::Sqrt.apply(v)),
                Unary::Abs => map(a, out, |v| Unary::Abs.apply(v)),
                f => map(a, out, |v| f.apply(v)),
            }
        }
        Op::Binary(op, a, b) => {
            let (a, b) = (values(a), values(b));
            match op {
                Binary::Add => zip(a, b, out, |a, b| Binary::Add.apply(a, b)),
                Binary::Sub => zip(a, b, out, |a, b| Binary::Sub.apply(a, b)),
                Binary::Mul => zip(a, b, out, |a, b| Binary::Mul.apply(a, b)),
                Binary::Div => zip(a, b, out, |a, b| Binary::Div.apply(a, b)),
                Binary::Pow => zip(a, b, out, |a, b| Binary::Pow.apply(a, b)),
            }
        }
    }
}

#[inline(always)]
fn map(a: Values<'_>, out: &mut [f64], f: impl Fn(f64) -> f64) {
    match a {
        Values::Slice(a) => {
            for (y, &a) in out.iter_mut().zip(a) {
                *y = f(a);
            }
        }
        Values::Scalar(a) => out.fill(f(a)),
    }
}

#[inline(always)]
fn zip(a: Values<'_>, b: Values<'_>, out: &mut [f64], f: impl Fn(f64, f64) -> f64) {
    match (a, b) {
        (Values::Slice(a), Values::Slice(b)) => {
            for ((y, &a), &b) in out.iter_mut().zip(a).zip(b) {
                *y = f(a, b);
            }
        }
        (Values::Slice(a), Values::Scalar(b)) => {
            for (y, &a) in out.iter_mut().zip(a) {
                *y = f(a, b);
            }
        }
        (Values::Scalar(a), Values::Slice(b)) => {
            for (y, &b) in out.iter_mut().zip(b) {
                *y = f(a, b);
            }
        }
        (Values::Scalar(a), Values::Scalar(b)) => out.fill(f(a, b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrand::syntax;

    fn compiled(text: &str) -> Program {
        Program::compile(&syntax::parse(text).unwrap())
    }

    #[test]
    fn the_lectures_function_is_three_instructions() {
        let program = compiled("1/(1+x^2)");
        let r = Operand::Register;
        let want = [
            Op::Unary(Unary::Square, Operand::X),
            Op::Binary(Binary::Add, Operand::Const(1.0), r(0)),
            Op::Binary(Binary::Div, Operand::Const(1.0), r(1)),
        ];
        assert_eq!(program.code.iter().map(|i| i.op).collect::<Vec<_>>(), want);
        assert_eq!(program.registers, 2, "{program:?}");
    }

    #[test]
    fn constants_fold_and_nothing_is_reordered() {
        assert_eq!(compiled("2*pi - 1").result, Operand::Const(2.0 * std::f64::consts::PI - 1.0));
        assert_eq!(compiled("-(2^0.5)").result, Operand::Const(-libm::pow(2.0, 0.5)));
        assert_eq!(compiled("((x))").result, Operand::X);
        // (x+1)+2 is two additions: x+3 would round differently for some x.
        assert_eq!(compiled("x+1+2").code.len(), 2);
        assert_eq!(compiled("x+(1+2)").code.len(), 1);
    }

    #[test]
    fn registers_are_reused_and_never_overwrite_an_operand() {
        let program = compiled(&vec!["sin(x)"; 300].join("+"));
        assert!(program.registers <= 3, "{}", program.registers);
        for instruction in &program.code {
            if let Op::Binary(_, a, b) = instruction.op {
                assert_ne!(a, Operand::Register(instruction.dst));
                assert_ne!(b, Operand::Register(instruction.dst));
            }
        }
    }

    #[test]
    fn a_block_gives_the_bits_of_each_point_for_any_length() {
        let xs: Vec<f64> = (0..1000).map(|i| (i as f64 - 500.0) * 0.0137).collect();
        // Nested to the right, each level keeps a value waiting: more registers than fit on the stack.
        let deep = format!("{}x{}", "sin(x)*(1+".repeat(60), ")".repeat(60));
        assert!(compiled(&deep).registers > ON_STACK);
        let texts = [
            "1/(1+x^2)",
            "exp(-x^2)*sin(3*x)",
            "x^x - 2^-x / (x - 0.5)",
            "pi",
            "x",
            "-x",
            "x^3 + abs(x)",
            "sqrt(abs(x)) - x*x/3",
            &deep,
        ];
        for text in texts {
            let program = compiled(text);
            for len in [0, 1, 7, CHUNK - 1, CHUNK, CHUNK + 1, 1000] {
                let mut out = vec![f64::NAN; len + 2];
                program.eval_block(&xs[..len], &mut out);
                for (x, y) in xs[..len].iter().zip(&out) {
                    let want = program.eval(*x);
                    assert!(y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()), "{text} at {x}");
                }
                assert!(out[len..].iter().all(|y| y.is_nan()), "{text}: nothing written past the block");
            }
        }
    }
}
