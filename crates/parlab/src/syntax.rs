//! Standard precedence for expressions, in front of exmex.
//!
//! exmex binds unary minus tighter than `^` and reads `^` from the left, so
//! it reads `-x^2` as `(−x)²` and `2^3^2` as `(2³)²`: a student typing
//! `exp(-x^2)` would silently integrate exp(+x²). This pass parses with the
//! usual rules — `^` binds tightest and groups to the right, then unary
//! signs, then `* /`, then `+ -` — and hands exmex a fully parenthesised
//! text, so exmex's own precedence never matters.

/// Rewrites `text` with explicit parentheses, or says what is wrong and where.
pub(crate) fn parenthesise(text: &str) -> Result<String, String> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens: &tokens, pos: 0 };
    let out = parser.sum()?;
    match parser.peek() {
        None => Ok(out),
        Some(token) => Err(format!("unexpected `{}` after a complete expression", token.text())),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(String),
    Name(String),
    Op(char),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Number(s) | Token::Name(s) => s.clone(),
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
            if number.parse::<f64>().is_err() {
                return Err(format!("`{number}` is not a number"));
            }
            tokens.push(Token::Number(number));
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
        let mut left = self.product()?;
        loop {
            let op = if self.eat('+') {
                '+'
            } else if self.eat('-') {
                '-'
            } else {
                return Ok(left);
            };
            let right = self.product()?;
            left = format!("({left}{op}{right})");
        }
    }

    /// product := signed (('*' | '/') signed)*
    fn product(&mut self) -> Result<String, String> {
        let mut left = self.signed()?;
        loop {
            let op = if self.eat('*') {
                '*'
            } else if self.eat('/') {
                '/'
            } else {
                return Ok(left);
            };
            let right = self.signed()?;
            left = format!("({left}{op}{right})");
        }
    }

    /// signed := ('-' | '+') signed | power
    fn signed(&mut self) -> Result<String, String> {
        if self.eat('-') {
            Ok(format!("(-{})", self.signed()?))
        } else if self.eat('+') {
            self.signed()
        } else {
            self.power()
        }
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
            Some(Token::Number(n)) => {
                self.pos += 1;
                Ok(format!("({n})"))
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
        assert_eq!(p("sin(x)^2"), "(sin((x))^(2))");
        assert_eq!(p("2e-3*e"), "((2e-3)*(e))");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parenthesise("1/(1+").unwrap_err().contains("ends"));
        assert!(parenthesise("(1+x").unwrap_err().contains("missing"));
        assert!(parenthesise("x $ 2").unwrap_err().contains("unexpected character"));
        assert!(parenthesise("x 2").unwrap_err().contains("unexpected `2`"));
    }
}
