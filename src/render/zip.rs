//! A ZIP archive of stored (uncompressed) files and the CRC-32 it needs: the PNG-frame export's
//! container. PNGs are compressed already, so storing them costs nothing and keeps the writer a
//! few dozen lines (APPNOTE 6.3.x: local headers, data, a central directory, its end record).

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    crc32_update(0, data)
}

/// Continues a CRC-32 `crc` (of the bytes before) over `data`.
pub fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let table = table();
    let mut c = !crc;
    for &b in data {
        c = table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

const fn make_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[n] = c;
        n += 1;
    }
    t
}

static TABLE: [u32; 256] = make_table();

fn table() -> &'static [u32; 256] {
    &TABLE
}

/// Most entries without ZIP64 records.
pub const MAX_ENTRIES: usize = 0xFFFF;

struct Entry {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
}

/// Builds a ZIP archive in memory, one stored file at a time.
#[derive(Default)]
pub struct ZipWriter {
    out: Vec<u8>,
    entries: Vec<Entry>,
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// DOS time and date of every entry: 1980-01-01 00:00 (the format's earliest), so the same
/// frames always make the same bytes.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl ZipWriter {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the file `name` (ASCII, `/` separated) holding `data`, stored.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<(), String> {
        if self.entries.len() >= MAX_ENTRIES {
            return Err(format!("a ZIP holds at most {MAX_ENTRIES} files here"));
        }
        if name.is_empty() || name.len() > 255 || !name.is_ascii() {
            return Err(format!("bad file name in the ZIP: {name:?}"));
        }
        let size = u32::try_from(data.len()).map_err(|_| "a frame is over 4 GB")?;
        let offset = u32::try_from(self.out.len())
            .ok()
            .filter(|o| {
                o.checked_add(size)
                    .is_some_and(|e| e <= u32::MAX - (1 << 20))
            })
            .ok_or("the ZIP would be over 4 GB")?;
        let crc = crc32(data);
        let v = &mut self.out;
        put32(v, 0x0403_4b50);
        put16(v, 10); // version needed: 1.0 (stored)
        put16(v, 0); // flags
        put16(v, 0); // method: stored
        put16(v, DOS_TIME);
        put16(v, DOS_DATE);
        put32(v, crc);
        put32(v, size);
        put32(v, size);
        put16(v, name.len() as u16);
        put16(v, 0); // extra field length
        v.extend_from_slice(name.as_bytes());
        v.extend_from_slice(data);
        self.entries.push(Entry {
            name: name.to_string(),
            crc,
            size,
            offset,
        });
        Ok(())
    }

    /// Files added so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No file added yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The archive: the files, the central directory and its end record.
    pub fn finish(mut self) -> Vec<u8> {
        let dir_start = self.out.len() as u32;
        let v = &mut self.out;
        for e in &self.entries {
            put32(v, 0x0201_4b50);
            put16(v, 20); // made by: MS-DOS, spec 2.0
            put16(v, 10); // version needed
            put16(v, 0);
            put16(v, 0);
            put16(v, DOS_TIME);
            put16(v, DOS_DATE);
            put32(v, e.crc);
            put32(v, e.size);
            put32(v, e.size);
            put16(v, e.name.len() as u16);
            put16(v, 0); // extra
            put16(v, 0); // comment
            put16(v, 0); // disk number
            put16(v, 0); // internal attributes
            put32(v, 0); // external attributes
            put32(v, e.offset);
            v.extend_from_slice(e.name.as_bytes());
        }
        let dir_len = v.len() as u32 - dir_start;
        let n = self.entries.len() as u16;
        put32(v, 0x0605_4b50);
        put16(v, 0);
        put16(v, 0);
        put16(v, n);
        put16(v, n);
        put32(v, dir_len);
        put32(v, dir_start);
        put16(v, 0); // comment length
        self.out
    }
}
