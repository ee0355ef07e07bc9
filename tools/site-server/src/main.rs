//! A plain static file server for `scripts/serve.sh` (standard library only, so it builds on a
//! machine that has nothing but Rust): serves a directory on 127.0.0.1 the way any static host
//! does — the file's bytes with its `Content-Type` (`.wasm` as `application/wasm`), `index.html`
//! for a directory, 404 otherwise; no CORS header, nothing injected into the page.
//!
//! ```text
//! site-server DIR [--port PORT]      (PORT 0: any free port)
//! ```
//! Prints `serving DIR at http://127.0.0.1:PORT/` once it listens.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut port = 8080u16;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => usage("--port needs a number"),
            },
            "-h" | "--help" => usage(""),
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => usage(&format!("unexpected argument {a}")),
        }
    }
    let Some(dir) = dir else {
        usage("which directory?")
    };
    if !dir.join("index.html").is_file() {
        eprintln!("site-server: {} has no index.html", dir.display());
        std::process::exit(1);
    }
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("site-server: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    println!("serving {} at http://127.0.0.1:{port}/", dir.display());
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &dir);
        });
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("site-server: {problem}");
    }
    eprintln!("usage: site-server DIR [--port PORT]");
    std::process::exit(2);
}

/// Answers one request and closes the connection.
fn handle(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // The headers are read and ignored.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed",
            true,
        );
    }
    let body_too = method == "GET";
    match resolve(dir, target).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
        Some((path, bytes)) => respond(&mut out, "200 OK", content_type(&path), &bytes, body_too),
        None => respond(
            &mut out,
            "404 Not Found",
            "text/plain",
            b"not found",
            body_too,
        ),
    }
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    body_too: bool,
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if body_too {
        out.write_all(body)?;
    }
    out.flush()
}

/// The file a request path names inside `dir` (`index.html` for a directory), or `None` for
/// anything outside it or missing.
fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let mut file = dir.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    (!text.contains('\0')).then_some(text)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_directory() {
        let dir = std::env::temp_dir().join(format!("site-server-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("sub/a b.js"), "x").unwrap();
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/?x=1#y"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/sub/a%20b.js"), Some(dir.join("sub/a b.js")));
        assert_eq!(resolve(&dir, "/sub/"), None);
        assert_eq!(resolve(&dir, "/../etc/passwd"), None);
        assert_eq!(resolve(&dir, "/sub/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(&dir, "/%zz"), None);
        assert_eq!(resolve(&dir, "/missing.js"), None);
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
