//! Every Markdown document a source file cites is in the repository.
//!
//! Walks `src/`, `engine/`, `app/`, `examples/` and `tests/`, and finds every token ending in
//! `.md` in a `.rs` file (a citation such as `docs/maths/planar.md`, optionally followed by a
//! `#anchor` or by a quoted section name: `(docs/maths/planar.md, "Inverse")`). Each must be a file
//! inside the repository, as written relative to the repository root or to the citing file's
//! directory (a bare `README.md` is the repository's README). A cited section must be a heading of
//! that file: a quoted name matches a heading's text exactly, an anchor matches a heading's
//! GitHub slug. The names of the design documents that used to live outside the repository are
//! rejected even without the `.md`, so a comment cannot cite them by name alone.
//!
//! This file builds its own example citations at run time, so its source cites nothing it does not
//! mean to.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

const SCANNED: [&str; 5] = ["src", "engine", "app", "examples", "tests"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A character that can be part of a cited path.
fn path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// One citation found in a source line.
#[derive(Debug, PartialEq)]
struct Citation {
    path: String,
    anchor: Option<String>,
    section: Option<String>,
}

/// The text of a source line after its comment marker (`//!`, `///`, `//`), for continuations.
fn after_comment_marker(line: &str) -> &str {
    let t = line.trim_start();
    for marker in ["//!", "///", "//"] {
        if let Some(rest) = t.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    t
}

/// The quoted section name at the start of `rest` (after an optional closing backtick and comma).
fn quoted_section(rest: &str) -> Option<String> {
    let rest = rest.trim_start_matches('`');
    let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    let (close, body) = if let Some(body) = rest.strip_prefix('"') {
        ('"', body)
    } else if let Some(body) = rest.strip_prefix('“') {
        ('”', body)
    } else {
        return None;
    };
    body.find(close).map(|end| body[..end].to_string())
}

/// The citations on `line`; `next` is the following source line (a quoted section name may wrap
/// onto it).
fn citations(line: &str, next: Option<&str>) -> Vec<Citation> {
    let mut found = Vec::new();
    for (at, _) in line.match_indices(".md") {
        let end = at + 3;
        if line[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue; // `.mdx`, `.md_file`: not a Markdown citation
        }
        let start = line[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| path_char(c))
            .last()
            .map_or(at, |(i, _)| i);
        let path = &line[start..end];
        if path.len() <= 3 || !path[..path.len() - 3].chars().any(|c| c.is_alphanumeric()) {
            continue; // the extension alone, as in a `ends_with(".md")`
        }
        if line[..start].ends_with(':') && path.starts_with("//") {
            continue; // a web address, not a file of the repository
        }
        let mut rest = &line[end..];
        let mut anchor = None;
        if let Some(after) = rest.strip_prefix('#') {
            let len = after
                .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(after.len());
            anchor = Some(after[..len].to_string());
            rest = &after[len..];
        }
        // The section name may start on the next line, or wrap onto it.
        let joined = match next {
            Some(n) => format!("{} {}", rest.trim_end(), after_comment_marker(n)),
            None => rest.to_string(),
        };
        let section =
            quoted_section(&joined).map(|q| q.split_whitespace().collect::<Vec<_>>().join(" "));
        found.push(Citation {
            path: path.to_string(),
            anchor,
            section,
        });
    }
    found
}

/// GitHub's anchor for a heading: lower case, spaces to hyphens, other punctuation dropped.
fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c == ' ' || c == '-' {
                Some('-')
            } else if c == '_' {
                Some('_')
            } else {
                None
            }
        })
        .collect()
}

/// The headings of a Markdown text (ATX `#` headings outside fenced code).
fn headings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let t = line.trim_start_matches('#');
        if t.starts_with(' ') {
            out.push(t.trim().trim_end_matches('#').trim().to_string());
        }
    }
    out
}

/// The cited file, if it exists inside the repository `root`.
fn resolve(root: &Path, citing: &Path, cited: &str) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let dir = citing.parent().unwrap_or(&root);
    [root.join(cited), dir.join(cited)]
        .into_iter()
        .filter_map(|p| p.canonicalize().ok())
        .find(|p| p.starts_with(&root) && p.is_file())
}

/// Problems with the citations in `text` (the source of `file`), as `file:line: …`.
fn problems(root: &Path, file: &Path, text: &str) -> Vec<String> {
    let shown = file
        .strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    // Built here so that this file's source does not contain the names it rejects.
    let banned: Vec<String> = ["flows", "families", "continuous"]
        .iter()
        .map(|s| format!("{s}-math"))
        .chain(
            ["bench", "design", "reference", "tools"]
                .iter()
                .map(|d| format!("shared/{d}/")),
        )
        .chain([format!("../{}/", "shared")])
        .collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let at = format!("{shown}:{}", i + 1);
        for name in &banned {
            if line.contains(name.as_str()) {
                out.push(format!(
                    "{at}: names `{name}`, a document outside the repository: {}",
                    line.trim()
                ));
            }
        }
        for c in citations(line, lines.get(i + 1).copied()) {
            let Some(target) = resolve(root, file, &c.path) else {
                out.push(format!(
                    "{at}: cites `{}`, which is not a file in the repository",
                    c.path
                ));
                continue;
            };
            if c.anchor.is_none() && c.section.is_none() {
                continue;
            }
            let text = std::fs::read_to_string(&target).unwrap_or_default();
            let heads = headings(&text);
            if let Some(section) = &c.section {
                if !heads.iter().any(|h| h == section) {
                    out.push(format!(
                        "{at}: cites section \"{section}\" of `{}`, which has no such heading",
                        c.path
                    ));
                }
            }
            if let Some(anchor) = &c.anchor {
                if !heads.iter().any(|h| slug(h) == *anchor) {
                    out.push(format!(
                        "{at}: cites `{}#{anchor}`, which has no such heading",
                        c.path
                    ));
                }
            }
        }
    }
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_cited_markdown_document_is_in_the_repository() {
    let root = root();
    let mut files = Vec::new();
    for dir in SCANNED {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() >= 20, "expected the sources, found {files:?}");
    let mut all = Vec::new();
    let mut cited = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        cited += text
            .lines()
            .map(|l| citations(l, None).len())
            .sum::<usize>();
        all.extend(problems(&root, file, &text));
    }
    assert!(
        cited >= 10,
        "expected the sources to cite docs/, found {cited}"
    );
    assert!(
        all.is_empty(),
        "{} citation(s) that do not resolve inside the repository:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// The checker itself: what it accepts and what it rejects (citations built at run time).
#[test]
fn the_checker_rejects_what_it_should() {
    let root = root();
    let file = root.join("src/core/planar.rs");
    let md = ".md";
    let fm = format!("{}-math", "flows");
    let check = |line: String| problems(&root, &file, &line);
    let unresolved = |v: &[String]| v.iter().any(|m| m.contains("not a file in the repository"));
    let named = |v: &[String]| {
        v.iter()
            .any(|m| m.contains("a document outside the repository"))
    };

    // Resolves from the repository root; a bare README is the repository's.
    assert!(check(format!("//! (docs/maths/planar{md})")).is_empty());
    assert!(check(format!("//! see README{md}")).is_empty());
    // A section that exists, quoted or as an anchor; one that does not.
    assert!(check(format!("//! (docs/maths/planar{md}, \"Inverse\")")).is_empty());
    assert!(check(format!("//! (`docs/maths/planar{md}`, \"Inverse\")")).is_empty());
    assert!(check(format!("//! docs/maths/planar{md}#inverse")).is_empty());
    assert_eq!(
        check(format!("//! (docs/maths/planar{md}, \"No such part\")")).len(),
        1
    );
    assert_eq!(
        check(format!("//! docs/maths/planar{md}#no-such-part")).len(),
        1
    );
    // A quoted section on the next line.
    let two = format!("//! (docs/maths/planar{md},\n//! \"Inverse\")");
    assert!(problems(&root, &file, &two).is_empty());
    let two = format!("//! (docs/maths/planar{md},\n//! \"Nowhere\")");
    assert_eq!(problems(&root, &file, &two).len(), 1);
    // A quoted section wrapped across two lines.
    let two = format!("//! (docs/maths/planar{md}, \"The safeguarded\n//! Newton solver\")");
    assert!(problems(&root, &file, &two).is_empty());
    let two = format!("//! (docs/maths/planar{md}, \"The safeguarded\n//! Newton method\")");
    assert_eq!(problems(&root, &file, &two).len(), 1);
    // Relative to the citing file's directory.
    assert!(check(format!("//! (../../docs/maths/planar{md})")).is_empty());
    // Documents that are not in the repository, or outside it.
    let p = check(format!("//! ({fm}{md} §1.3)"));
    assert!(unresolved(&p) && named(&p), "{p:?}");
    assert_eq!(check(format!("//! `SCENARIOS{md}`")).len(), 1);
    // (This one exists on the development machine, but outside the repository.)
    let p = check(format!("//! ../../../{}/reference/{fm}{md}", "shared"));
    assert!(unresolved(&p) && named(&p), "{p:?}");
    let p = check(format!("//! {}-math §2.3", "families"));
    assert!(!unresolved(&p) && named(&p), "{p:?}");
    let p = check(format!(
        "//! read like `../{}/tools/mod_graph.py`",
        "shared"
    ));
    assert!(named(&p), "{p:?}");
    // Not citations.
    assert!(check(format!("if name.ends_with(\"{md}\") {{}}")).is_empty());
    assert!(check(format!("//! https://example.org/README{md}")).is_empty());
}

#[test]
fn slugs_follow_github() {
    assert_eq!(slug("Inverse"), "inverse");
    assert_eq!(slug("The û reparametrisation"), "the-û-reparametrisation");
    assert_eq!(
        slug("Backward pass (hand-written)"),
        "backward-pass-hand-written"
    );
}
