//! The import graph of `src/`: no cycle among its files, and every import follows the declared
//! layer order (`lib.rs` and `ui/mod.rs` document it). A failure names the edge.
//!
//! Edges: file A → file B when A names B's module path through `crate::…` or `super::…` (in `use`
//! lines, `use …::{…}` groups, or inline paths); a path resolves to the longest prefix that is a
//! module file. Comments are ignored.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`ui::actions::data`) → file.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<String, PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable source dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(&path, src, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).expect("under src");
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    parts.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    parts.pop();
                }
                out.insert(parts.join("::"), path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The code of a file without `//` comments.
fn code(path: &Path) -> String {
    strip_comments(&std::fs::read_to_string(path).expect("readable source"))
}

/// `text` without `//` comments.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The module paths a file names: each `crate::a::b…` / `super::a…` path, and each item of a
/// `use crate::{…}` / `use super::{…}` group, as (root, segments).
fn named_paths(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let s: String = chars.iter().collect();
    for root in ["crate", "super"] {
        let mut from = 0;
        while let Some(pos) = s[from..].find(root) {
            let at = from + pos;
            from = at + root.len();
            let before = s[..at].chars().next_back();
            if before.is_some_and(is_ident_char) || !s[from..].starts_with("::") {
                continue;
            }
            let rest = &s[from + 2..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::b, c::{d, e}}`: the first segments of each item.
                let mut depth = 1;
                let mut end = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let mut depth = 0;
                let mut item = String::new();
                for c in group[..end].chars().chain(std::iter::once(',')) {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            // `a::b as c`: the path is `a::b`.
                            let path = item.split(" as ").next().unwrap_or("");
                            let segs: Vec<String> = path
                                .split("::")
                                .map(|p| p.trim().trim_start_matches('{').trim().to_string())
                                .take_while(|p| !p.is_empty() && p.chars().all(is_ident_char))
                                .collect();
                            if !segs.is_empty() {
                                out.push((root.to_string(), segs));
                            }
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    item.push(c);
                }
                continue;
            }
            let mut segs = Vec::new();
            let mut cur = rest;
            loop {
                let len = cur.find(|c: char| !is_ident_char(c)).unwrap_or(cur.len());
                if len == 0 {
                    break;
                }
                segs.push(cur[..len].to_string());
                cur = &cur[len..];
                match cur.strip_prefix("::") {
                    Some(r) if r.starts_with(is_ident_char) => cur = r,
                    _ => break,
                }
            }
            if !segs.is_empty() {
                out.push((root.to_string(), segs));
            }
        }
    }
    out
}

/// File-level import edges.
fn edges(mods: &BTreeMap<String, PathBuf>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (m, path) in mods {
        let base: Vec<String> = if m.is_empty() {
            Vec::new()
        } else {
            m.split("::").map(str::to_string).collect()
        };
        // `super` is the parent module: for `a/b.rs` (module `a::b`) and for `a/b/mod.rs`
        // (also `a::b`) alike, `a`.
        let sup: Vec<String> = base[..base.len().saturating_sub(1)].to_vec();
        let mut targets = BTreeSet::new();
        for (root, segs) in named_paths(&code(path)) {
            let mut full = if root == "crate" {
                Vec::new()
            } else {
                sup.clone()
            };
            full.extend(segs);
            let target = (1..=full.len())
                .rev()
                .map(|n| full[..n].join("::"))
                .find(|cand| mods.contains_key(cand));
            if let Some(t) = target {
                if &t != m {
                    targets.insert(t);
                }
            }
        }
        out.insert(m.clone(), targets);
    }
    out
}

/// The layer of a module and its rank: a file may import its own folder's files, or any module
/// of a lower rank. `None`: the crate root (free to name anything).
fn rank(m: &str) -> Option<(&'static str, u8)> {
    let p: Vec<&str> = m.split("::").collect();
    Some(match p.as_slice() {
        [""] | ["lib"] | ["main"] => return None,
        ["core", ..] => ("core", 0),
        ["state", ..] => ("state", 1),
        ["render", ..] => ("render", 1),
        ["session", ..] => ("session", 2),
        ["ui"] | ["ui", "app"] => ("ui::app", 9),
        ["ui", "context", ..] => ("ui::context", 3),
        ["ui", "browser", ..] => ("ui::browser", 3),
        ["ui", "draw", ..] => ("ui::draw", 4),
        ["ui", "worker", ..] => ("ui::worker", 4),
        ["ui", "actions", ..] => ("ui::actions", 5),
        ["ui", "panels", ..] => ("ui::panels", 6),
        ["ui", "input", ..] => ("ui::input", 6),
        ["ui", "frame", ..] => ("ui::frame", 6),
        ["ui", "bench", ..] => ("ui::bench", 7),
        _ => ("unknown", u8::MAX),
    })
}

/// Edges against the layer order, as `from → to (layer rank → layer rank)`.
fn order_violations(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, tos) in edges {
        let Some((lf, rf)) = rank(from) else { continue };
        for to in tos {
            let Some((lt, rt)) = rank(to) else {
                bad.push(format!("{from} → {to} (the crate root)"));
                continue;
            };
            let ok = if lf == lt {
                // Inside a layer: core, state, render and session files import each other
                // freely (the cycle check still applies); ui folders too.
                true
            } else {
                rt < rf && !(lf == "state" && lt == "render" || lf == "render" && lt == "state")
            };
            if !ok || lf == "unknown" || lt == "unknown" {
                bad.push(format!("{from} → {to} ({lf} {rf} → {lt} {rt})"));
            }
        }
    }
    bad
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        e: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    impl<'a> T<'a> {
        fn visit(&mut self, v: &'a str) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on.insert(v);
            for w in &self.e[v] {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let l = self.low[v].min(self.low[w]);
                    self.low.insert(v, l);
                } else if self.on.contains(w) {
                    let l = self.low[v].min(self.index[w]);
                    self.low.insert(v, l);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    comp.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = T {
        e: edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out
}

/// One edge of each cycle, to name in the failure: a `from → to` whose target reaches back.
fn describe(cycle: &[String], edges: &BTreeMap<String, BTreeSet<String>>) -> String {
    let set: BTreeSet<&String> = cycle.iter().collect();
    let inner: Vec<String> = cycle
        .iter()
        .flat_map(|a| {
            edges[a]
                .iter()
                .filter(|b| set.contains(b))
                .map(move |b| format!("{a} → {b}"))
        })
        .collect();
    format!("[{}] via {}", cycle.join(", "), inner.join(", "))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_import_cycle_among_the_files_of_src() {
    let mods = modules(&src());
    assert!(
        mods.len() > 50,
        "expected the crate's files, found {mods:?}"
    );
    let e = edges(&mods);
    let c = cycles(&e);
    let described: Vec<String> = c.iter().map(|c| describe(c, &e)).collect();
    assert!(
        described.is_empty(),
        "import cycles:\n{}",
        described.join("\n")
    );
}

#[test]
fn imports_follow_the_declared_layer_order() {
    let mods = modules(&src());
    let bad = order_violations(&edges(&mods));
    assert!(
        bad.is_empty(),
        "imports against the layer order:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checker_sees_edges_cycles_and_order_violations() {
    // A small graph in the shape of the crate: the checker itself must catch what it guards.
    let text = "use crate::ui::context::{Ui, Tool};\nuse super::{link, history as _, selection::select};\n// use crate::ui::app;\nfn f() { crate::core::flow::Flow::new(); }";
    let named = named_paths(&strip_comments(text));
    let has = |root: &str, segs: &[&str]| {
        named
            .iter()
            .any(|(r, s)| r == root && s.iter().map(String::as_str).eq(segs.iter().copied()))
    };
    assert!(has("crate", &["ui", "context"]), "{named:?}");
    assert!(has("super", &["link"]), "{named:?}");
    assert!(has("super", &["history"]), "{named:?}");
    assert!(has("super", &["selection", "select"]), "{named:?}");
    assert!(has("crate", &["core", "flow", "Flow", "new"]), "{named:?}");
    assert!(!named
        .iter()
        .any(|(_, s)| s[0] == "ui" && s.get(1).is_some_and(|x| x == "app")));

    fn add(e: &mut BTreeMap<String, BTreeSet<String>>, a: &str, b: &str) {
        e.entry(a.to_string()).or_default().insert(b.to_string());
        e.entry(b.to_string()).or_default();
    }
    let mut e: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    add(&mut e, "ui::actions::link", "ui::actions::compare");
    add(&mut e, "ui::actions::history", "ui::actions::link");
    add(&mut e, "ui::draw::main_view", "ui::context");
    assert!(cycles(&e).is_empty());
    assert!(order_violations(&e).is_empty());
    // `link` importing `history` back closes a cycle: history → link → history.
    add(&mut e, "ui::actions::link", "ui::actions::history");
    let c = cycles(&e);
    assert_eq!(c.len(), 1);
    assert!(describe(&c[0], &e).contains("ui::actions::link → ui::actions::history"));
    // Draw code calling an action is against the order (draw never changes the session).
    add(&mut e, "ui::draw::main_view", "ui::actions::training");
    let bad = order_violations(&e);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].starts_with("ui::draw::main_view → ui::actions::training"));
    // A pure layer naming the UI is against the order.
    add(&mut e, "core::flow", "ui::context");
    assert!(order_violations(&e)
        .iter()
        .any(|b| b.starts_with("core::flow → ui::context")));
}
