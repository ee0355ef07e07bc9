//! The PNG-frame export's ZIP writer and its CRC-32, against independent truth: the CRC-32 check
//! values of the standard (and of zlib's, via Python's `zlib.crc32`), and archives read back by
//! Python's `zipfile` and Info-ZIP's `unzip -t` when they are installed.

use flow_playground::render::zip::{crc32, crc32_update, ZipWriter};
use std::process::Command;

#[test]
fn crc32_of_known_strings() {
    // The check value of CRC-32/ISO-HDLC and well-known test vectors.
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b"a"), 0xE8B7_BE43);
    assert_eq!(
        crc32(b"The quick brown fox jumps over the lazy dog"),
        0x414F_A339
    );
    // Incremental equals one-shot.
    let whole = crc32(b"hello, world");
    assert_eq!(crc32_update(crc32(b"hello, "), b"world"), whole);
}

fn sample_files() -> Vec<(String, Vec<u8>)> {
    (0..5)
        .map(|i| {
            let data: Vec<u8> = (0..(i * 997 + 3)).map(|j| (j * 31 + i * 7) as u8).collect();
            (format!("frame-{i:05}.png"), data)
        })
        .collect()
}

fn write_sample(tag: &str) -> (std::path::PathBuf, Vec<(String, Vec<u8>)>) {
    let files = sample_files();
    let mut z = ZipWriter::new();
    for (n, d) in &files {
        z.add(n, d).unwrap();
    }
    assert_eq!(z.len(), files.len());
    let bytes = z.finish();
    let path = std::env::temp_dir().join(format!("flow-zip-{tag}-{}.zip", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    (path, files)
}

#[test]
fn crc32_matches_zlib() {
    let Ok(out) = Command::new("python3")
        .args([
            "-c",
            "import zlib,sys; print(zlib.crc32(bytes(range(256))*3))",
        ])
        .output()
    else {
        eprintln!("python3 missing: skipped");
        return;
    };
    let data: Vec<u8> = (0..3).flat_map(|_| 0..=255u8).collect();
    let want: u32 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(crc32(&data), want);
}

#[test]
fn python_zipfile_reads_the_archive_back() {
    let (path, files) = write_sample("py");
    let script = "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist():\n    print(i.filename, i.compress_type, len(z.read(i.filename)))\n";
    let Ok(out) = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
    else {
        eprintln!("python3 missing: skipped");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), files.len());
    for ((name, data), line) in files.iter().zip(lines) {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f[0], name);
        assert_eq!(f[1], "0", "stored");
        assert_eq!(f[2].parse::<usize>().unwrap(), data.len());
    }
    // Byte-exact contents: extract with Python and compare.
    let dir = std::env::temp_dir().join(format!("flow-zip-x-{}", std::process::id()));
    let ok = Command::new("python3")
        .args([
            "-c",
            "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
            path.to_str().unwrap(),
            dir.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(ok.success());
    for (name, data) in &files {
        assert_eq!(&std::fs::read(dir.join(name)).unwrap(), data, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn unzip_tests_the_archive() {
    let (path, files) = write_sample("unzip");
    let Ok(out) = Command::new("unzip")
        .args(["-t", path.to_str().unwrap()])
        .output()
    else {
        eprintln!("unzip missing: skipped");
        let _ = std::fs::remove_file(&path);
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("No errors detected"), "{text}");
    assert_eq!(text.matches("OK").count(), files.len(), "{text}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn an_empty_archive_is_valid_and_bad_names_are_refused() {
    let bytes = ZipWriter::new().finish();
    assert_eq!(bytes.len(), 22);
    assert_eq!(&bytes[..4], b"PK\x05\x06");
    let mut z = ZipWriter::new();
    assert!(z.add("", b"x").is_err());
    assert!(z.add("é.png", b"x").is_err());
    assert!(z.is_empty());
}
