//! Reading an expression's text: tokens, the usual precedence, and the limits.
//!
//! `^` binds tightest and groups to the right (`2^3^2` is 2⁹), then unary
//! signs (`-x^2` is −(x²), `2^-x` is 2^(−x)), then `* /`, then `+ -`, each
//! group from the left. The parser writes the expression out in postfix
//! order (`1/(1+x^2)` becomes `1 1 x 2 ^ + /`), which the compiler turns
//! into a flat program.
//!
//! The parser recurses once per level of nesting, so nesting is limited to
//! [`MAX_DEPTH`] levels, and the text to [`MAX_TOKENS`] tokens, so any text
//! is read in bounded time and stack.

use super::operation::{Binary, Unary, constant};

/// How deep parentheses, function calls, signs and powers may nest inside one another.
pub(crate) const MAX_DEPTH: usize = 100;

/// How many tokens (numbers, names, operators, parentheses) an expression may have.
pub(crate) const MAX_TOKENS: usize = 2000;

/// One step of an expression in postfix order: push a value, or replace the
/// top one or two values of the stack by an operation's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Step {
    Number(f64),
    X,
    Unary(Unary),
    Binary(Binary),
}

/// Why a text is not an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// It does not parse: what is wrong and where.
    Syntax(String),
    /// It parses, but uses a name that is not `x`, a constant or a function.
    UnknownName(String),
}

/// The steps of `text` in postfix order, or why it is not an expression.
///
/// A syntax error is reported before an unknown name, wherever they are.
pub(crate) fn parse(text: &str) -> Result<Vec<Step>, Refusal> {
    let tokens = tokenize(text).map_err(Refusal::Syntax)?;
    if tokens.len() > MAX_TOKENS {
        return Err(Refusal::Syntax(format!(
            "it has {} tokens (numbers, names, operators, parentheses), more than the limit of {MAX_TOKENS}: write it shorter",
            tokens.len()
        )));
    }
    let mut parser =
        Parser { tokens: &tokens, pos: 0, depth: 0, steps: Vec::with_capacity(tokens.len()), unknown: None };
    parser.sum().map_err(Refusal::Syntax)?;
    if let Some(token) = parser.peek() {
        return Err(Refusal::Syntax(format!("unexpected `{}` after a complete expression", token.text())));
    }
    match parser.unknown {
        Some(name) => Err(Refusal::UnknownName(name)),
        None => Ok(parser.steps),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A number: its text as written, and its value.
    Number(String, f64),
    Name(String),
    Op(char),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Number(s, _) | Token::Name(s) => s.clone(),
            Token::Op(c) => c.to_string(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // An exponent only when digits follow: `2e-3` is a number, `2*e` uses the constant.
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let number: String = chars[start..i].iter().collect();
            let value = match number.parse::<f64>() {
                Ok(value) if value.is_finite() => value,
                Ok(_) => return Err(format!("`{number}` is too large: it overflows to infinity")),
                Err(_) => return Err(format!("`{number}` is not a number")),
            };
            tokens.push(Token::Number(number, value));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token::Name(chars[start..i].iter().collect()));
        } else if "+-*/^()".contains(c) {
            tokens.push(Token::Op(c));
            i += 1;
        } else {
            return Err(format!(
                "unexpected character `{c}`: use + - * / ^, parentheses, numbers, x, pi, e and functions such as sin(x)"
            ));
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    /// How many `signed` calls are open: every level of nesting passes through one.
    depth: usize,
    /// The expression so far, in postfix order.
    steps: Vec<Step>,
    /// The first name that is not `x`, a constant or a function.
    unknown: Option<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, op: char) -> bool {
        if self.peek() == Some(&Token::Op(op)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// One of `ops`, eaten, as an operation.
    fn eat_one_of(&mut self, ops: [char; 2]) -> Option<Binary> {
        ops.into_iter().find(|&op| self.eat(op)).and_then(Binary::from_char)
    }

    /// sum := product (('+' | '-') product)*   — a loop, so `a-b-c` is (a−b)−c
    fn sum(&mut self) -> Result<(), String> {
        self.product()?;
        while let Some(op) = self.eat_one_of(['+', '-']) {
            self.product()?;
            self.steps.push(Step::Binary(op));
        }
        Ok(())
    }

    /// product := signed (('*' | '/') signed)*
    fn product(&mut self) -> Result<(), String> {
        self.signed()?;
        while let Some(op) = self.eat_one_of(['*', '/']) {
            self.signed()?;
            self.steps.push(Step::Binary(op));
        }
        Ok(())
    }

    /// signed := ('-' | '+') signed | power
    fn signed(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "it nests more than {MAX_DEPTH} levels deep (parentheses, function calls, signs and powers inside one another): write it flatter"
            ));
        }
        let out = if self.eat('-') {
            self.signed().map(|()| self.steps.push(Step::Unary(Unary::Neg)))
        } else if self.eat('+') {
            self.signed()
        } else {
            self.power()
        };
        self.depth -= 1;
        out
    }

    /// power := atom ('^' signed)?   — right-grouping, and `2^-x` is 2^(−x)
    fn power(&mut self) -> Result<(), String> {
        self.atom()?;
        if self.eat('^') {
            self.signed()?;
            self.steps.push(Step::Binary(Binary::Pow));
        }
        Ok(())
    }

    /// atom := number | name '(' sum ')' | name | '(' sum ')'
    fn atom(&mut self) -> Result<(), String> {
        let tokens = self.tokens;
        match tokens.get(self.pos) {
            Some(&Token::Number(_, value)) => {
                self.pos += 1;
                self.steps.push(Step::Number(value));
                Ok(())
            }
            Some(Token::Name(name)) => {
                self.pos += 1;
                let value = if name == "x" { Some(Step::X) } else { constant(name).map(Step::Number) };
                let function = Unary::function(name);
                if self.eat('(') {
                    if value.is_some() {
                        return Err(format!("`{name}` is not a function: write `{name}*(…)` to multiply"));
                    }
                    self.sum()?;
                    if !self.eat(')') {
                        return Err(format!("`{name}(` is missing its `)`"));
                    }
                    match function {
                        Some(f) => self.steps.push(Step::Unary(f)),
                        None => self.unknown_name(name),
                    }
                    Ok(())
                } else if function.is_some() {
                    Err(format!("`{name}` is a function: write `{name}(…)`"))
                } else {
                    match value {
                        Some(step) => self.steps.push(step),
                        None => {
                            self.unknown_name(name);
                            self.steps.push(Step::Number(f64::NAN));
                        }
                    }
                    Ok(())
                }
            }
            Some(Token::Op('(')) => {
                self.pos += 1;
                self.sum()?;
                if !self.eat(')') {
                    return Err("a `(` is missing its `)`".into());
                }
                Ok(())
            }
            Some(token) => Err(format!("expected a number, a name or `(`, found `{}`", token.text())),
            None => Err("the expression ends where a number, a name or `(` should follow".into()),
        }
    }

    fn unknown_name(&mut self, name: &str) {
        self.unknown.get_or_insert_with(|| name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The steps written out, one token a step, in postfix order.
    fn postfix(text: &str) -> String {
        let steps = parse(text).unwrap();
        let words: Vec<String> = steps
            .iter()
            .map(|step| match step {
                Step::Number(v) => format!("{v}"),
                Step::X => "x".into(),
                Step::Unary(Unary::Neg) => "neg".into(),
                Step::Unary(f) => format!("{f:?}").to_lowercase(),
                Step::Binary(op) => ['+', '-', '*', '/', '^']
                    .into_iter()
                    .find(|&c| Binary::from_char(c) == Some(*op))
                    .unwrap()
                    .to_string(),
            })
            .collect();
        words.join(" ")
    }

    fn syntax_error(text: &str) -> String {
        match parse(text) {
            Err(Refusal::Syntax(message)) => message,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn the_usual_precedence() {
        assert_eq!(postfix("-x^2"), "x 2 ^ neg");
        assert_eq!(postfix("2^3^2"), "2 3 2 ^ ^");
        assert_eq!(postfix("2^-x"), "2 x neg ^");
        assert_eq!(postfix("1-x*2"), "1 x 2 * -");
        assert_eq!(postfix("x*2/3"), "x 2 * 3 /");
        assert_eq!(postfix("x+1-2+3"), "x 1 + 2 - 3 +");
        assert_eq!(postfix("sin(x)^2"), "x sin 2 ^");
        assert_eq!(postfix("1/(1+x^2)"), "1 1 x 2 ^ + /");
        assert_eq!(postfix("+-+x"), "x neg");
    }

    #[test]
    fn numbers_and_constants() {
        assert_eq!(postfix("2e-3*e"), format!("0.002 {} *", std::f64::consts::E));
        assert_eq!(postfix("1.50E+2"), "150");
        assert_eq!(postfix(".5"), "0.5");
        assert_eq!(postfix("5."), "5");
        assert_eq!(postfix("pi"), format!("{}", std::f64::consts::PI));
        assert!(syntax_error("1e999").contains("infinity"));
        assert!(syntax_error("1.2.3").contains("not a number"));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(syntax_error("1/(1+").contains("ends"));
        assert!(syntax_error("(1+x").contains("missing"));
        assert!(syntax_error("sin(x").contains("`sin(` is missing"));
        assert!(syntax_error("x $ 2").contains("unexpected character"));
        assert!(syntax_error("x 2").contains("unexpected `2`"));
        assert!(syntax_error("sin").contains("`sin` is a function"));
        assert!(syntax_error("x(2)").contains("`x` is not a function"));
        assert_eq!(parse("y*x"), Err(Refusal::UnknownName("y".into())));
        assert_eq!(parse("foo(x) + bar"), Err(Refusal::UnknownName("foo".into())));
        // A syntax error anywhere comes before an unknown name.
        assert!(matches!(parse("y + (x"), Err(Refusal::Syntax(_))));
    }

    #[test]
    fn nesting_is_limited_and_flat_runs_are_not() {
        let nested = |open: &str, close: &str, k: usize| format!("{}x{}", open.repeat(k), close.repeat(k));
        for (open, close) in [("(", ")"), ("sin(", ")"), ("-", ""), ("2^", "")] {
            // The top level is one: so MAX_DEPTH - 1 more levels pass, and one more does not.
            assert!(parse(&nested(open, close, MAX_DEPTH - 1)).is_ok(), "{open}");
            let err = syntax_error(&nested(open, close, MAX_DEPTH));
            assert!(err.contains("levels deep"), "{open}: {err}");
            assert!(syntax_error(&nested(open, close, 100_000)).contains("tokens"), "{open}");
        }
        // A long flat sum or product has depth 1, whatever its length.
        let terms = MAX_TOKENS.div_ceil(2);
        assert!(parse(&vec!["x"; terms].join("+")).is_ok());
        assert!(parse(&vec!["x"; terms].join("*")).is_ok());
        assert!(syntax_error(&vec!["x"; terms + 1].join("+")).contains("tokens"));
    }
}
