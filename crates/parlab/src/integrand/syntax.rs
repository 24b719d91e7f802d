//! Standard precedence for expressions, in front of exmex.
//!
//! exmex binds unary minus tighter than `^`, reads `^` from the left, and
//! ranks `/` above `*` and `-` above `+`, so it reads `-x^2` as `(−x)²`,
//! `2^3^2` as `(2³)²`, and `a*b/c` as `a*(b/c)`: a student typing `exp(-x^2)`
//! would silently integrate exp(+x²). This pass parses with the usual rules —
//! `^` binds tightest and groups to the right, then unary signs, then `* /`,
//! then `+ -`, each group from the left — and hands exmex a fully
//! parenthesised text, so exmex's own precedence never matters. It also writes
//! every number out in plain decimals (exmex does not read `2e-3`).
//!
//! The parser recurses once per level of nesting, so nesting is limited to
//! [`MAX_DEPTH`] levels, and the text to [`MAX_TOKENS`] tokens: exmex's time
//! grows with the square of the number of operators.

/// How deep parentheses, function calls, signs and powers may nest inside one another.
pub(crate) const MAX_DEPTH: usize = 100;

/// How many tokens (numbers, names, operators, parentheses) an expression may have.
pub(crate) const MAX_TOKENS: usize = 2000;

/// Rewrites `text` with explicit parentheses, or says what is wrong and where.
pub(crate) fn parenthesise(text: &str) -> Result<String, String> {
    let tokens = tokenize(text)?;
    if tokens.len() > MAX_TOKENS {
        return Err(format!(
            "it has {} tokens (numbers, names, operators, parentheses), more than the limit of {MAX_TOKENS}: write it shorter",
            tokens.len()
        ));
    }
    let mut parser = Parser { tokens: &tokens, pos: 0, depth: 0 };
    let out = parser.sum()?;
    match parser.peek() {
        None => Ok(out),
        Some(token) => Err(format!("unexpected `{}` after a complete expression", token.text())),
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

    /// sum := product (('+' | '-') product)*
    fn sum(&mut self) -> Result<String, String> {
        let first = self.product()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.eat('+') {
                '+'
            } else if self.eat('-') {
                '-'
            } else {
                return Ok(grouped_from_the_left(first, rest));
            };
            rest.push((op, self.product()?));
        }
    }

    /// product := signed (('*' | '/') signed)*
    fn product(&mut self) -> Result<String, String> {
        let first = self.signed()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.eat('*') {
                '*'
            } else if self.eat('/') {
                '/'
            } else {
                return Ok(grouped_from_the_left(first, rest));
            };
            rest.push((op, self.signed()?));
        }
    }

    /// signed := ('-' | '+') signed | power
    fn signed(&mut self) -> Result<String, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "it nests more than {MAX_DEPTH} levels deep (parentheses, function calls, signs and powers inside one another): write it flatter"
            ));
        }
        let out = if self.eat('-') {
            self.signed().map(|inner| format!("(-{inner})"))
        } else if self.eat('+') {
            self.signed()
        } else {
            self.power()
        };
        self.depth -= 1;
        out
    }

    /// power := atom ('^' signed)?   — right-grouping, and `2^-x` is 2^(−x)
    fn power(&mut self) -> Result<String, String> {
        let base = self.atom()?;
        if self.eat('^') {
            let exponent = self.signed()?;
            Ok(format!("({base}^{exponent})"))
        } else {
            Ok(base)
        }
    }

    /// atom := number | name '(' sum ')' | name | '(' sum ')'
    fn atom(&mut self) -> Result<String, String> {
        match self.tokens.get(self.pos).cloned() {
            Some(Token::Number(_, value)) => {
                self.pos += 1;
                // Plain decimals that read back to the same value: Rust's shortest round trip.
                Ok(format!("({value})"))
            }
            Some(Token::Name(name)) => {
                self.pos += 1;
                if self.eat('(') {
                    let argument = self.sum()?;
                    if !self.eat(')') {
                        return Err(format!("`{name}(` is missing its `)`"));
                    }
                    Ok(format!("{name}({argument})"))
                } else {
                    Ok(format!("({name})"))
                }
            }
            Some(Token::Op('(')) => {
                self.pos += 1;
                let inner = self.sum()?;
                if !self.eat(')') {
                    return Err("a `(` is missing its `)`".into());
                }
                Ok(format!("({inner})"))
            }
            Some(token) => Err(format!("expected a number, a name or `(`, found `{}`", token.text())),
            None => Err("the expression ends where a number, a name or `(` should follow".into()),
        }
    }
}

/// `a op b op c …` as `((a op b) op c) …`, in one pass over the text.
fn grouped_from_the_left(first: String, rest: Vec<(char, String)>) -> String {
    if rest.is_empty() {
        return first;
    }
    let mut out = "(".repeat(rest.len());
    out.push_str(&first);
    for (op, operand) in rest {
        out.push(op);
        out.push_str(&operand);
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_precedence() {
        let p = |s| parenthesise(s).unwrap();
        assert_eq!(p("-x^2"), "(-((x)^(2)))");
        assert_eq!(p("2^3^2"), "((2)^((3)^(2)))");
        assert_eq!(p("2^-x"), "((2)^(-(x)))");
        assert_eq!(p("1-x*2"), "((1)-((x)*(2)))");
        assert_eq!(p("a*b/c"), "(((a)*(b))/(c))");
        assert_eq!(p("a+b-c+d"), "((((a)+(b))-(c))+(d))");
        assert_eq!(p("sin(x)^2"), "(sin((x))^(2))");
    }

    #[test]
    fn numbers_are_written_in_plain_decimals() {
        let p = |s| parenthesise(s).unwrap();
        assert_eq!(p("2e-3*e"), "((0.002)*(e))");
        assert_eq!(p("1.50E+2"), "(150)");
        assert_eq!(p(".5"), "(0.5)");
        assert_eq!(p("5."), "(5)");
        assert!(parenthesise("1e999").unwrap_err().contains("infinity"));
        assert!(parenthesise("1.2.3").unwrap_err().contains("not a number"));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parenthesise("1/(1+").unwrap_err().contains("ends"));
        assert!(parenthesise("(1+x").unwrap_err().contains("missing"));
        assert!(parenthesise("x $ 2").unwrap_err().contains("unexpected character"));
        assert!(parenthesise("x 2").unwrap_err().contains("unexpected `2`"));
    }

    #[test]
    fn nesting_is_limited_and_flat_runs_are_not() {
        let nested = |open: &str, close: &str, k: usize| format!("{}x{}", open.repeat(k), close.repeat(k));
        for (open, close) in [("(", ")"), ("sin(", ")"), ("-", ""), ("2^", "")] {
            // The top level is one: so MAX_DEPTH - 1 more levels pass, and one more does not.
            assert!(parenthesise(&nested(open, close, MAX_DEPTH - 1)).is_ok(), "{open}");
            let err = parenthesise(&nested(open, close, MAX_DEPTH)).unwrap_err();
            assert!(err.contains("levels deep"), "{open}: {err}");
            assert!(parenthesise(&nested(open, close, 100_000)).unwrap_err().contains("tokens"), "{open}");
        }
        // A long flat sum or product has depth 1, whatever its length.
        let terms = MAX_TOKENS.div_ceil(2);
        assert!(parenthesise(&vec!["x"; terms].join("+")).is_ok());
        assert!(parenthesise(&vec!["x"; terms].join("*")).is_ok());
        assert!(parenthesise(&vec!["x"; terms + 1].join("+")).unwrap_err().contains("tokens"));
    }
}
