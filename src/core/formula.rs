//! Typed formulas of `x` and `y` — an energy `U(x, y)` or a density `p(x, y)` a lecturer writes —
//! parsed once into a small tree and evaluated with exact first derivatives (forward mode: every
//! value carries `∂/∂x` and `∂/∂y`), which reverse-KL training needs (`∇U`).
//!
//! Grammar (usual precedence; `^` is right-associative and binds tighter than a unary minus, so
//! `-x^2 = -(x^2)`; implicit multiplication is not allowed):
//!
//! ```text
//!   sum     = product (("+" | "-") product)*
//!   product = unary (("*" | "/") unary)*
//!   unary   = "-" unary | "+" unary | power
//!   power   = atom ("^" unary)?
//!   atom    = number | "x" | "y" | "pi" | "e" | name "(" sum ("," sum)* ")" | "(" sum ")"
//! ```
//!
//! Numbers in any common notation (`2`, `0.5`, `.5`, `5.`, `1e-3`, `2.5E+4`). Functions: `exp log
//! sqrt abs sin cos tan tanh sinh cosh sigmoid softplus` (one argument) and `atan2 min max
//! logaddexp pow` (two). Bounded by design: at most [`MAX_LEN`] characters, [`MAX_DEPTH`] levels
//! of nesting and [`MAX_NODES`] nodes. A bad formula gets the position of the error (in
//! characters from 0) and a plain message. The derivatives are those of the formula as written
//! (`abs`, `min`, `max` take one side's derivative at their kinks).
//!
//! The derivative rules: `docs/maths/formulas.md`. The app's typed energies
//! (`typed_energy.rs`) are formulas; tested in `tests/core_formula.rs` against closed forms, the paper's
//! energies and finite differences.

/// Longest formula (characters).
pub const MAX_LEN: usize = 1000;
/// Deepest nesting of parentheses, calls and unary operators.
pub const MAX_DEPTH: usize = 64;
/// Most nodes in a formula's tree.
pub const MAX_NODES: usize = 2000;

/// Why a formula could not be read: where (character offset from 0) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaError {
    /// Character offset of the problem.
    pub pos: usize,
    /// A plain message, e.g. `expected ")"`.
    pub message: String,
}

/// A one-argument function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fn1 {
    Exp,
    Log,
    Sqrt,
    Abs,
    Sin,
    Cos,
    Tan,
    Tanh,
    Sinh,
    Cosh,
    Sigmoid,
    Softplus,
}

/// A two-argument function or operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fn2 {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Atan2,
    Min,
    Max,
    LogAddExp,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Node {
    Num(f64),
    X,
    Y,
    Neg(usize),
    F1(Fn1, usize),
    F2(Fn2, usize, usize),
}

/// A parsed formula (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    nodes: Vec<Node>,
    root: usize,
}

/// Room for a formula's node values, reused across evaluations.
#[derive(Clone, Debug, Default)]
pub struct Scratch(Vec<Dual>);

/// A value with its partial derivatives in `x` and `y`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Dual {
    v: f64,
    dx: f64,
    dy: f64,
}

impl Dual {
    fn c(v: f64) -> Self {
        Dual {
            v,
            dx: 0.0,
            dy: 0.0,
        }
    }
    /// `f(self)` with `f'(self.v) = d`.
    fn chain(self, v: f64, d: f64) -> Self {
        Dual {
            v,
            dx: d * self.dx,
            dy: d * self.dy,
        }
    }
    /// `f(a, b)` with partials `da`, `db`.
    fn chain2(a: Self, b: Self, v: f64, da: f64, db: f64) -> Self {
        // A zero times an infinite or undefined factor is 0 here, not NaN (e.g. `x^0` at 0).
        let mul = |p: f64, d: f64| if p == 0.0 || d == 0.0 { 0.0 } else { p * d };
        Dual {
            v,
            dx: mul(da, a.dx) + mul(db, b.dx),
            dy: mul(da, a.dy) + mul(db, b.dy),
        }
    }
}

fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

fn apply1(f: Fn1, a: Dual) -> Dual {
    let t = a.v;
    match f {
        Fn1::Exp => {
            let e = t.exp();
            a.chain(e, e)
        }
        Fn1::Log => a.chain(t.ln(), 1.0 / t),
        Fn1::Sqrt => {
            let s = t.sqrt();
            a.chain(s, 0.5 / s)
        }
        Fn1::Abs => a.chain(t.abs(), if t < 0.0 { -1.0 } else { 1.0 }),
        Fn1::Sin => a.chain(t.sin(), t.cos()),
        Fn1::Cos => a.chain(t.cos(), -t.sin()),
        Fn1::Tan => {
            let c = t.cos();
            a.chain(t.tan(), 1.0 / (c * c))
        }
        Fn1::Tanh => {
            let h = t.tanh();
            a.chain(h, 1.0 - h * h)
        }
        Fn1::Sinh => a.chain(t.sinh(), t.cosh()),
        Fn1::Cosh => a.chain(t.cosh(), t.sinh()),
        Fn1::Sigmoid => {
            let s = sigmoid(t);
            a.chain(s, s * (1.0 - s))
        }
        Fn1::Softplus => a.chain(softplus(t), sigmoid(t)),
    }
}

fn apply2(f: Fn2, a: Dual, b: Dual) -> Dual {
    let (p, q) = (a.v, b.v);
    match f {
        Fn2::Add => Dual::chain2(a, b, p + q, 1.0, 1.0),
        Fn2::Sub => Dual::chain2(a, b, p - q, 1.0, -1.0),
        Fn2::Mul => Dual::chain2(a, b, p * q, q, p),
        Fn2::Div => Dual::chain2(a, b, p / q, 1.0 / q, -p / (q * q)),
        Fn2::Pow => {
            let v = p.powf(q);
            // d/dp = q·p^(q−1); d/dq = p^q·ln p (only where it is needed: q depends on x, y).
            let dq = if b.dx == 0.0 && b.dy == 0.0 {
                0.0
            } else {
                v * p.ln()
            };
            let dp = if q == 0.0 { 0.0 } else { q * p.powf(q - 1.0) };
            Dual::chain2(a, b, v, dp, dq)
        }
        Fn2::Atan2 => {
            let r2 = p * p + q * q;
            Dual::chain2(a, b, p.atan2(q), q / r2, -p / r2)
        }
        Fn2::Min => {
            if p <= q {
                a
            } else {
                b
            }
        }
        Fn2::Max => {
            if p >= q {
                a
            } else {
                b
            }
        }
        Fn2::LogAddExp => {
            let m = p.max(q);
            if m == f64::NEG_INFINITY {
                return Dual::c(m);
            }
            let v = m + ((p - m).exp() + (q - m).exp()).ln();
            Dual::chain2(a, b, v, (p - v).exp(), (q - v).exp())
        }
    }
}

impl Formula {
    /// Parses `text` (see the module docs for the grammar and limits).
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() > MAX_LEN {
            return Err(FormulaError {
                pos: MAX_LEN,
                message: format!(
                    "the formula is {} characters long; at most {MAX_LEN}",
                    chars.len()
                ),
            });
        }
        let mut p = Parser {
            s: chars,
            i: 0,
            depth: 0,
            nodes: Vec::new(),
        };
        p.skip_space();
        if p.i == p.s.len() {
            return Err(p.err("the formula is empty"));
        }
        let root = p.sum()?;
        p.skip_space();
        if p.i < p.s.len() {
            let c = p.s[p.i];
            return Err(p.err(&format!("unexpected '{}'", c.escape_debug())));
        }
        Ok(Formula {
            nodes: p.nodes,
            root,
        })
    }

    /// The value at `(x, y)` (NaN or ±∞ where the formula is undefined or overflows).
    pub fn value(&self, x: f64, y: f64) -> f64 {
        self.eval(x, y).v
    }

    /// The value and the gradient `(∂/∂x, ∂/∂y)` at `(x, y)`.
    pub fn value_grad(&self, x: f64, y: f64) -> (f64, [f64; 2]) {
        let d = self.eval(x, y);
        (d.v, [d.dx, d.dy])
    }

    /// [`Formula::value_grad`] with the node values kept in `scratch` (no allocation once it
    /// has grown: for loops over many points).
    pub fn value_grad_with(&self, x: f64, y: f64, scratch: &mut Scratch) -> (f64, [f64; 2]) {
        let d = self.eval_into(x, y, &mut scratch.0);
        (d.v, [d.dx, d.dy])
    }

    /// Nodes in the tree (a measure of the formula's cost per evaluation).
    pub fn size(&self) -> usize {
        self.nodes.len()
    }

    fn eval(&self, x: f64, y: f64) -> Dual {
        self.eval_into(x, y, &mut Vec::with_capacity(self.nodes.len()))
    }

    fn eval_into(&self, x: f64, y: f64, vals: &mut Vec<Dual>) -> Dual {
        // Children always come before their parent, so one pass in order evaluates the tree.
        vals.clear();
        for n in &self.nodes {
            let d = match *n {
                Node::Num(v) => Dual::c(v),
                Node::X => Dual {
                    v: x,
                    dx: 1.0,
                    dy: 0.0,
                },
                Node::Y => Dual {
                    v: y,
                    dx: 0.0,
                    dy: 1.0,
                },
                Node::Neg(a) => {
                    let a = vals[a];
                    Dual {
                        v: -a.v,
                        dx: -a.dx,
                        dy: -a.dy,
                    }
                }
                Node::F1(f, a) => apply1(f, vals[a]),
                Node::F2(f, a, b) => apply2(f, vals[a], vals[b]),
            };
            vals.push(d);
        }
        vals[self.root]
    }
}

/// `s` cut to 24 characters (with `…`) for a message.
fn short(s: &str) -> String {
    match s.char_indices().nth(24) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

struct Parser {
    s: Vec<char>,
    i: usize,
    depth: usize,
    nodes: Vec<Node>,
}

const FNS1: [(&str, Fn1); 12] = [
    ("exp", Fn1::Exp),
    ("log", Fn1::Log),
    ("sqrt", Fn1::Sqrt),
    ("abs", Fn1::Abs),
    ("sin", Fn1::Sin),
    ("cos", Fn1::Cos),
    ("tan", Fn1::Tan),
    ("tanh", Fn1::Tanh),
    ("sinh", Fn1::Sinh),
    ("cosh", Fn1::Cosh),
    ("sigmoid", Fn1::Sigmoid),
    ("softplus", Fn1::Softplus),
];

const FNS2: [(&str, Fn2); 5] = [
    ("atan2", Fn2::Atan2),
    ("min", Fn2::Min),
    ("max", Fn2::Max),
    ("logaddexp", Fn2::LogAddExp),
    ("pow", Fn2::Pow),
];

impl Parser {
    fn err(&self, message: &str) -> FormulaError {
        FormulaError {
            pos: self.i,
            message: message.to_string(),
        }
    }

    fn push(&mut self, n: Node) -> Result<usize, FormulaError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(self.err(&format!(
                "the formula is too large (at most {MAX_NODES} parts)"
            )));
        }
        self.nodes.push(n);
        Ok(self.nodes.len() - 1)
    }

    fn skip_space(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    /// The next non-space character, if any (not consumed).
    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.s.get(self.i).copied()
    }

    fn enter(&mut self) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(&format!("nested too deeply (at most {MAX_DEPTH} levels)")));
        }
        Ok(())
    }

    fn sum(&mut self) -> Result<usize, FormulaError> {
        let mut a = self.product()?;
        while let Some(c @ ('+' | '-')) = self.peek() {
            self.i += 1;
            let b = self.product()?;
            let f = if c == '+' { Fn2::Add } else { Fn2::Sub };
            a = self.push(Node::F2(f, a, b))?;
        }
        Ok(a)
    }

    fn product(&mut self) -> Result<usize, FormulaError> {
        let mut a = self.unary()?;
        while let Some(c @ ('*' | '/')) = self.peek() {
            self.i += 1;
            let b = self.unary()?;
            let f = if c == '*' { Fn2::Mul } else { Fn2::Div };
            a = self.push(Node::F2(f, a, b))?;
        }
        Ok(a)
    }

    fn unary(&mut self) -> Result<usize, FormulaError> {
        match self.peek() {
            Some(c @ ('-' | '+')) => {
                self.i += 1;
                self.enter()?;
                let a = self.unary()?;
                self.depth -= 1;
                if c == '-' {
                    self.push(Node::Neg(a))
                } else {
                    Ok(a)
                }
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<usize, FormulaError> {
        let a = self.atom()?;
        if self.peek() == Some('^') {
            self.i += 1;
            self.enter()?;
            let b = self.unary()?;
            self.depth -= 1;
            return self.push(Node::F2(Fn2::Pow, a, b));
        }
        Ok(a)
    }

    fn atom(&mut self) -> Result<usize, FormulaError> {
        let Some(c) = self.peek() else {
            return Err(self.err("the formula ends too early"));
        };
        if c.is_ascii_digit() || c == '.' {
            return self.number();
        }
        if c == '(' {
            self.i += 1;
            self.enter()?;
            let a = self.sum()?;
            self.depth -= 1;
            return self.close(")").map(|_| a);
        }
        if c.is_ascii_alphabetic() {
            let start = self.i;
            while self.i < self.s.len()
                && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == '_')
            {
                self.i += 1;
            }
            let name: String = self.s[start..self.i]
                .iter()
                .collect::<String>()
                .to_ascii_lowercase();
            return self.named(&name, start);
        }
        Err(self.err(&format!("unexpected '{}'", c.escape_debug())))
    }

    fn close(&mut self, what: &str) -> Result<(), FormulaError> {
        if self.peek() == what.chars().next() {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected '{what}'")))
        }
    }

    fn named(&mut self, name: &str, start: usize) -> Result<usize, FormulaError> {
        match name {
            "x" => return self.push(Node::X),
            "y" => return self.push(Node::Y),
            "pi" => return self.push(Node::Num(std::f64::consts::PI)),
            "e" => return self.push(Node::Num(std::f64::consts::E)),
            _ => {}
        }
        let f1 = FNS1.iter().find(|(n, _)| *n == name).map(|&(_, f)| f);
        let f2 = FNS2.iter().find(|(n, _)| *n == name).map(|&(_, f)| f);
        if f1.is_none() && f2.is_none() {
            return Err(FormulaError {
                pos: start,
                message: format!(
                    "unknown name '{}' (use x, y, pi, e or a function such as exp)",
                    short(name)
                ),
            });
        }
        if self.peek() != Some('(') {
            return Err(self.err(&format!("expected '(' after {name}")));
        }
        self.i += 1;
        self.enter()?;
        let a = self.sum()?;
        let node = match (f1, f2) {
            (Some(f), _) => {
                if self.peek() == Some(',') {
                    return Err(self.err(&format!("{name} takes one argument")));
                }
                Node::F1(f, a)
            }
            (None, Some(f)) => {
                if self.peek() != Some(',') {
                    return Err(self.err(&format!("{name} takes two arguments")));
                }
                self.i += 1;
                let b = self.sum()?;
                Node::F2(f, a, b)
            }
            (None, None) => unreachable!("checked above"),
        };
        self.depth -= 1;
        self.close(")")?;
        self.push(node)
    }

    fn number(&mut self) -> Result<usize, FormulaError> {
        let start = self.i;
        let digits = |p: &mut Parser| {
            let s = p.i;
            while p.i < p.s.len() && p.s[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - s
        };
        let mut n = digits(self);
        if self.s.get(self.i) == Some(&'.') {
            self.i += 1;
            n += digits(self);
        }
        if n == 0 {
            return Err(FormulaError {
                pos: start,
                message: "a number needs a digit".into(),
            });
        }
        if matches!(self.s.get(self.i), Some('e' | 'E')) {
            // An exponent only if digits follow (else `2e` is an error below, `2*e` is fine).
            let save = self.i;
            self.i += 1;
            if matches!(self.s.get(self.i), Some('+' | '-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                self.i = save;
                return Err(self.err("an exponent needs digits (write 2*e for 2·e)"));
            }
        }
        let text: String = self.s[start..self.i].iter().collect();
        match super::decimal::parse(&text) {
            Some(v) if v.is_finite() => self.push(Node::Num(v)),
            _ => Err(FormulaError {
                pos: start,
                message: format!("'{}' is too large a number", short(&text)),
            }),
        }
    }
}
