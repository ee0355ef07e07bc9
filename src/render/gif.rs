//! Animated GIF (GIF89a) export: median-cut palette, nearest-colour mapping and LZW encoding.
//!
//! Pure code: bytes in, bytes out. Nothing here does I/O or touches the browser.

/// Number of cells in the 5-bit-per-channel (32×32×32) colour histogram and mapper cache.
const CELLS: usize = 1 << 15;
/// One more than the largest LZW code (GIF codes are at most 12 bits wide).
const MAX_CODES: u16 = 4096;

/// A colour table of 2..=256 RGB entries shared by every frame of an animation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Palette {
    /// The RGB colours; a frame's palette indices are positions in this list.
    pub colors: Vec<[u8; 3]>,
}

/// 15-bit cell of an 8-bit colour (5 bits per channel, red highest).
#[inline]
fn cell_of(r: u8, g: u8, b: u8) -> usize {
    (usize::from(r >> 3) << 10) | (usize::from(g >> 3) << 5) | usize::from(b >> 3)
}

/// Squared RGB distance.
fn dist2(a: &[u8; 3], b: &[u8; 3]) -> i32 {
    let d = |k: usize| i32::from(a[k]) - i32::from(b[k]);
    d(0) * d(0) + d(1) * d(1) + d(2) * d(2)
}

/// Adds `n` pixels of colour `0xRRGGBB` to the histogram (cells: count, sum r, sum g, sum b).
fn add_run(hist: &mut [[u64; 4]], rgb: u32, n: u64) {
    let [_, r, g, b] = rgb.to_be_bytes();
    for (sum, v) in hist[cell_of(r, g, b)].iter_mut().zip([1, r, g, b]) {
        *sum += n * u64::from(v);
    }
}

/// A median-cut box: a set of non-empty histogram cells.
struct ColorBox {
    cells: Vec<u16>,
    /// Count-weighted sum of squared deviations along `axis` (in cell units): the split priority.
    score: f64,
    /// Bit shift selecting the channel of widest spread: 10 = red, 5 = green, 0 = blue.
    axis: u32,
}

impl ColorBox {
    fn new(cells: Vec<u16>, hist: &[[u64; 4]]) -> Self {
        let (mut score, mut axis) = (-1.0, 10);
        for shift in [10u32, 5, 0] {
            let (mut w, mut s1, mut s2) = (0.0, 0.0, 0.0);
            for &cell in &cells {
                let n = hist[usize::from(cell)][0] as f64;
                let c = f64::from((cell >> shift) & 31);
                (w, s1, s2) = (w + n, s1 + n * c, s2 + n * c * c);
            }
            let sse = s2 - s1 * s1 / w;
            if sse > score {
                (score, axis) = (sse, shift);
            }
        }
        Self { cells, score, axis }
    }

    /// Splits at the count-weighted median along `axis`; both halves are non-empty.
    fn split(mut self, hist: &[[u64; 4]]) -> (Self, Self) {
        let (shift, count) = (self.axis, |cell: &u16| hist[usize::from(*cell)][0]);
        self.cells.sort_unstable_by_key(|&c| ((c >> shift) & 31, c));
        let total: u64 = self.cells.iter().map(count).sum();
        let (mut acc, mut cut) = (0, self.cells.len() - 1);
        for (i, cell) in self.cells.iter().enumerate() {
            acc += count(cell);
            if 2 * acc >= total {
                cut = (i + 1).min(self.cells.len() - 1);
                break;
            }
        }
        let upper = self.cells.split_off(cut);
        (ColorBox::new(self.cells, hist), ColorBox::new(upper, hist))
    }

    /// Count-weighted mean colour of the box's pixels, rounded to nearest.
    fn mean(&self, hist: &[[u64; 4]]) -> [u8; 3] {
        let mut s = [0u64; 4];
        for &cell in &self.cells {
            for (acc, v) in s.iter_mut().zip(hist[usize::from(cell)]) {
                *acc += v;
            }
        }
        [1, 2, 3].map(|k| ((s[k] + s[0] / 2) / s[0]).min(255) as u8)
    }
}

/// Makes sure a palette has at least two entries (GIF colour tables have at least two).
fn pad_palette(mut colors: Vec<[u8; 3]>) -> Palette {
    while colors.len() < 2 {
        let black = colors.first() == Some(&[0; 3]);
        colors.push([u8::from(black) * 255; 3]);
    }
    Palette { colors }
}

/// Builds a palette of at most `max_colors` (clamped to 2..=256) for RGBA frames; alpha is
/// ignored (pixels are treated as opaque) and trailing bytes that do not form a pixel are skipped.
///
/// If all frames together use at most `max_colors` distinct colours, the palette is exactly
/// those colours (sorted), so flat-colour images round-trip losslessly. Otherwise it is median
/// cut over a 5-bit-per-channel (32×32×32) histogram of every frame's pixels: the box with the
/// largest count-weighted spread is split at its weighted median along its widest channel, and
/// each box's colour is the count-weighted mean of its pixels at full 8-bit precision. The
/// result always has at least two entries.
pub fn build_palette(frames: &[&[u8]], max_colors: usize) -> Palette {
    let max_colors = max_colors.clamp(2, 256);
    let mut hist = vec![[0u64; 4]; CELLS];
    // Sorted distinct colours; growth stops at max_colors + 1 (= "too many").
    let mut exact: Vec<u32> = Vec::new();
    for frame in frames {
        let (mut run_rgb, mut run_len) = (u32::MAX, 0u64);
        for px in frame.chunks_exact(4) {
            let rgb = (u32::from(px[0]) << 16) | (u32::from(px[1]) << 8) | u32::from(px[2]);
            if rgb == run_rgb {
                run_len += 1;
                continue;
            }
            add_run(&mut hist, run_rgb, run_len);
            if exact.len() <= max_colors {
                if let Err(pos) = exact.binary_search(&rgb) {
                    exact.insert(pos, rgb);
                }
            }
            (run_rgb, run_len) = (rgb, 1);
        }
        add_run(&mut hist, run_rgb, run_len);
    }
    if exact.len() <= max_colors {
        let rgb = |c: u32| [(c >> 16) as u8, (c >> 8) as u8, c as u8];
        return pad_palette(exact.into_iter().map(rgb).collect());
    }
    let used = |&i: &u16| hist[usize::from(i)][0] > 0;
    let cells: Vec<u16> = (0..CELLS as u16).filter(used).collect();
    let mut boxes = vec![ColorBox::new(cells, &hist)];
    while boxes.len() < max_colors {
        let best = boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| b.cells.len() > 1)
            .max_by(|a, b| a.1.score.total_cmp(&b.1.score))
            .map(|(i, _)| i);
        let Some(i) = best else { break };
        let (lo, hi) = boxes.swap_remove(i).split(&hist);
        boxes.extend([lo, hi]);
    }
    pad_palette(boxes.iter().map(|b| b.mean(&hist)).collect())
}

/// Maps RGBA pixels to the index of the nearest palette colour (squared RGB distance; ties go
/// to the lowest index, so a colour present in the palette always maps to itself exactly).
///
/// For speed it caches, per 15-bit colour cell, the few palette entries that can be nearest to
/// any colour in that cell (those whose distance to the cell is at most the smallest
/// farthest-distance of any entry), so each pixel scans only those candidates.
pub struct Mapper {
    colors: Vec<[u8; 3]>,
    /// `near[(k * 32 + v) * n + i]`: squared distance along channel `k` from colour `i` to the
    /// nearest 8-bit value whose top 5 bits are `v`; `far`: to the farthest one.
    near: Vec<i32>,
    far: Vec<i32>,
    /// Per cell: `cands` range `[start, end)` of its candidates; `start == u32::MAX` = not built.
    cells: Vec<[u32; 2]>,
    cands: Vec<u8>,
}

impl Mapper {
    /// Prepares a mapper for `p` (only its first 256 colours are used; an empty palette maps
    /// everything to index 0).
    pub fn new(p: &Palette) -> Self {
        let mut colors: Vec<[u8; 3]> = p.colors.iter().take(256).copied().collect();
        if colors.is_empty() {
            colors.push([0; 3]);
        }
        let n = colors.len();
        let (mut near, mut far) = (vec![0; 96 * n], vec![0; 96 * n]);
        for k in 0..3 {
            for v in 0..32 {
                let lo = v as i32 * 8;
                for (i, c) in colors.iter().enumerate() {
                    let (x, slot) = (i32::from(c[k]), (k * 32 + v) * n + i);
                    let (below, above) = (x - lo, lo + 7 - x);
                    near[slot] = below.min(above).min(0).pow(2);
                    far[slot] = below.max(above).pow(2);
                }
            }
        }
        let cells = vec![[u32::MAX, 0]; CELLS];
        let cands = Vec::new();
        Self {
            colors,
            near,
            far,
            cells,
            cands,
        }
    }

    /// Collects the palette entries that can be nearest to some colour of `cell`: those whose
    /// distance to the cell is at most the smallest distance any entry has to the cell's
    /// farthest point.
    fn candidates(&mut self, cell: usize) -> [u32; 2] {
        let n = self.colors.len();
        let rows = [cell >> 10, 32 + ((cell >> 5) & 31), 64 + (cell & 31)].map(|row| row * n);
        let reach = |t: &[i32], i: usize| t[rows[0] + i] + t[rows[1] + i] + t[rows[2] + i];
        let bound = (0..n).map(|i| reach(&self.far, i)).min();
        let start = self.cands.len() as u32;
        for i in 0..n {
            if Some(reach(&self.near, i)) <= bound {
                self.cands.push(i as u8);
            }
        }
        self.cells[cell] = [start, self.cands.len() as u32];
        self.cells[cell]
    }

    fn lookup(&mut self, rgb: [u8; 3]) -> u8 {
        let cell = cell_of(rgb[0], rgb[1], rgb[2]);
        let mut range = self.cells[cell];
        if range[0] == u32::MAX {
            range = self.candidates(cell);
        }
        let mut best = (i32::MAX, 0);
        for &i in &self.cands[range[0] as usize..range[1] as usize] {
            let d = dist2(&self.colors[usize::from(i)], &rgb);
            if d < best.0 {
                best = (d, i);
            }
        }
        best.1
    }

    /// Clears `out` and fills it with one palette index per 4-byte RGBA pixel of `rgba`
    /// (alpha ignored; trailing bytes that do not form a whole pixel are skipped).
    pub fn map(&mut self, rgba: &[u8], out: &mut Vec<u8>) {
        out.clear();
        out.reserve(rgba.len() / 4);
        let mut last: Option<([u8; 3], u8)> = None;
        for px in rgba.chunks_exact(4) {
            let rgb = [px[0], px[1], px[2]];
            let idx = match last {
                Some((c, i)) if c == rgb => i,
                _ => self.lookup(rgb),
            };
            last = Some((rgb, idx));
            out.push(idx);
        }
    }
}

/// Forgets every LZW string added since the last reset (only the touched slots are cleared).
fn reset_dictionary(table: &mut [u16], used: &mut Vec<u32>) {
    for &key in used.iter() {
        table[key as usize] = 0;
    }
    used.clear();
}

/// Writes into `out` the indices of `cur`, with every pixel equal to `prev` replaced by
/// `transparent`: drawn over the previous frame (disposal 1), the picture is `cur` again, and
/// the long runs of one index compress far better. `prev` must be the previous frame's full
/// indices (not its marked ones); `transparent` must not be a colour `cur` uses.
pub fn mark_unchanged(prev: &[u8], cur: &[u8], transparent: u8, out: &mut Vec<u8>) {
    out.clear();
    out.extend(
        prev.iter()
            .zip(cur)
            .map(|(&p, &c)| if p == c { transparent } else { c }),
    );
}

/// Streaming GIF89a encoder: every frame is a full-size image at (0, 0) drawn with the one
/// global colour table and disposal method 1 ("do not dispose"), so a frame may mark pixels
/// that did not change as transparent ([`GifEncoder::add_frame_over`], [`mark_unchanged`]).
pub struct GifEncoder {
    width: u16,
    height: u16,
    palette_len: usize,
    min_code_size: u32,
    out: Vec<u8>,
    frames: usize,
    /// Dense LZW dictionary: `table[(prefix_code << min_code_size) | index]` is the code of the
    /// string prefix + index, or 0 when absent (no string ever gets code 0).
    table: Vec<u16>,
    used: Vec<u32>,
    /// The current frame's LZW output before sub-block framing (kept to reuse its allocation).
    packed: Vec<u8>,
}

impl GifEncoder {
    /// Writes the header, the logical screen descriptor, the global colour table (the first
    /// 256 colours of `palette`, zero-padded to a power of two with at least 2 entries) and,
    /// when `looping`, the NETSCAPE2.0 extension asking viewers to loop forever.
    pub fn new(width: u16, height: u16, palette: &Palette, looping: bool) -> Self {
        let palette_len = palette.colors.len().min(256);
        let mut bits = 1u32;
        while (1usize << bits) < palette_len {
            bits += 1;
        }
        let min_code_size = bits.max(2);
        let mut out = Vec::with_capacity(32 + (3 << bits));
        out.extend_from_slice(b"GIF89a");
        out.extend_from_slice(&width.to_le_bytes());
        out.extend_from_slice(&height.to_le_bytes());
        // Global table flag, colour resolution, table size; background index 0; no aspect ratio.
        let size_bits = bits as u8 - 1;
        out.extend_from_slice(&[0x80 | (size_bits << 4) | size_bits, 0, 0]);
        for i in 0..1usize << bits {
            out.extend_from_slice(&palette.colors.get(i).copied().unwrap_or([0; 3]));
        }
        if looping {
            out.extend_from_slice(&[0x21, 0xFF, 0x0B]);
            out.extend_from_slice(b"NETSCAPE2.0");
            // Sub-block: id 1, loop count 0 (= forever); block terminator.
            out.extend_from_slice(&[0x03, 0x01, 0x00, 0x00, 0x00]);
        }
        Self {
            width,
            height,
            palette_len,
            min_code_size,
            out,
            frames: 0,
            table: vec![0; usize::from(MAX_CODES) << min_code_size],
            used: Vec::with_capacity(usize::from(MAX_CODES)),
            packed: Vec::new(),
        }
    }

    /// Appends a frame of `width * height` palette indices (row-major) shown for `delay_cs`
    /// hundredths of a second. Returns an error, and writes nothing, if the length is wrong or
    /// an index is not below the palette length.
    pub fn add_frame(&mut self, indices: &[u8], delay_cs: u16) -> Result<(), String> {
        self.add_frame_over(indices, delay_cs, None)
    }

    /// [`GifEncoder::add_frame`], with the index `transparent` (if any) showing the previous
    /// frame through (the Graphic Control Extension's transparency flag).
    pub fn add_frame_over(
        &mut self,
        indices: &[u8],
        delay_cs: u16,
        transparent: Option<u8>,
    ) -> Result<(), String> {
        let (w, h) = (self.width, self.height);
        if indices.len() != usize::from(w) * usize::from(h) {
            return Err(format!("{} indices for a {w}x{h} frame", indices.len()));
        }
        let n = self.palette_len;
        if let Some(&i) = indices.iter().find(|&&i| usize::from(i) >= n) {
            return Err(format!("index {i} out of range for a {n}-colour palette"));
        }
        if let Some(t) = transparent.filter(|&t| usize::from(t) >= n) {
            return Err(format!(
                "transparent index {t} out of range for a {n}-colour palette"
            ));
        }
        self.compress(indices);
        let out = &mut self.out;
        let ([d0, d1], [w0, w1], [h0, h1]) =
            (delay_cs.to_le_bytes(), w.to_le_bytes(), h.to_le_bytes());
        // Graphic Control Extension: disposal 1 (bits 2..4), no user input, transparency flag
        // (bit 0) and index.
        let (flag, t) = transparent.map_or((0, 0), |t| (1, t));
        out.extend_from_slice(&[0x21, 0xF9, 0x04, 0x04 | flag, d0, d1, t, 0x00]);
        // Image descriptor at (0, 0), full size, no local table, not interlaced; code size.
        out.extend_from_slice(&[0x2C, 0, 0, 0, 0, w0, w1, h0, h1, 0x00]);
        out.push(self.min_code_size as u8);
        for chunk in self.packed.chunks(255) {
            out.push(chunk.len() as u8);
            out.extend_from_slice(chunk);
        }
        out.push(0x00);
        self.frames += 1;
        Ok(())
    }

    /// LZW-compresses `indices` into `self.packed`, codes packed LSB-first.
    fn compress(&mut self, indices: &[u8]) {
        let mcs = self.min_code_size;
        let clear: u16 = 1 << mcs;
        let first_free = clear + 2;
        let (table, used, bytes) = (&mut self.table, &mut self.used, &mut self.packed);
        reset_dictionary(table, used);
        bytes.clear();
        let (mut acc, mut nbits) = (0u32, 0u32);
        let mut put = |code: u16, width: u32| {
            acc |= u32::from(code) << nbits;
            nbits += width;
            while nbits >= 8 {
                bytes.push(acc as u8);
                (acc, nbits) = (acc >> 8, nbits - 8);
            }
        };
        let (mut width, mut next) = (mcs + 1, first_free);
        put(clear, width);
        if let Some((&first, rest)) = indices.split_first() {
            let mut prefix = u16::from(first);
            for &k in rest {
                let key = (usize::from(prefix) << mcs) | usize::from(k);
                if table[key] != 0 {
                    prefix = table[key];
                    continue;
                }
                put(prefix, width);
                // A decoder adds the entry for a code only after reading the *next* code, and
                // widens as soon as its next free code reaches 1 << width. Widening here, before
                // adding our entry, keeps every later code (EOI included) in step with it.
                if next == 1 << width && width < 12 {
                    width += 1;
                }
                table[key] = next;
                used.push(key as u32);
                next += 1;
                if next == MAX_CODES {
                    put(clear, width);
                    reset_dictionary(table, used);
                    (width, next) = (mcs + 1, first_free);
                }
                prefix = u16::from(k);
            }
            put(prefix, width);
            if next == 1 << width && width < 12 {
                width += 1;
            }
        }
        put(clear + 1, width);
        if nbits > 0 {
            bytes.push(acc as u8);
        }
    }

    /// Number of frames added so far.
    pub fn frame_count(&self) -> usize {
        self.frames
    }

    /// Appends the trailer (0x3B) and returns the complete GIF file.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.push(0x3B);
        self.out
    }
}

/// Quantizes all RGBA frames (alpha ignored) with one shared 256-colour palette and encodes
/// them as a GIF, each frame shown for `delay_cs` hundredths of a second, looping forever if
/// `looping`. Errors (never panics) on no frames, a zero width or height, or a frame whose
/// length is not `width * height * 4`.
pub fn encode_rgba_frames(
    width: u16,
    height: u16,
    frames: &[&[u8]],
    delay_cs: u16,
    looping: bool,
) -> Result<Vec<u8>, String> {
    if frames.is_empty() || width == 0 || height == 0 {
        return Err(format!(
            "cannot encode {} {width}x{height} frames",
            frames.len()
        ));
    }
    let expected = usize::from(width)
        .checked_mul(usize::from(height))
        .and_then(|n| n.checked_mul(4))
        .ok_or_else(|| format!("{width}x{height} frames are too large"))?;
    if let Some((i, f)) = frames.iter().enumerate().find(|(_, f)| f.len() != expected) {
        return Err(format!("frame {i}: {} bytes, expected {expected}", f.len()));
    }
    let palette = build_palette(frames, 256);
    let mut mapper = Mapper::new(&palette);
    let mut encoder = GifEncoder::new(width, height, &palette, looping);
    let mut indices = Vec::with_capacity(expected / 4);
    for frame in frames {
        mapper.map(frame, &mut indices);
        encoder.add_frame(&indices, delay_cs)?;
    }
    Ok(encoder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decoded image: GCE delay and disposal, descriptor [left, top, w, h], indices, clears.
    type Frame = (u16, u8, [u16; 4], Vec<u8>, usize);
    /// Test-decoder output: screen size, global table, NETSCAPE loop count, images.
    type Decoded = ((u16, u16), Vec<[u8; 3]>, Option<u16>, Vec<Frame>);

    /// Byte cursor of the test decoder; running past the end panics (= test failure).
    struct Reader<'a>(&'a [u8], usize);

    impl<'a> Reader<'a> {
        fn take(&mut self, n: usize) -> &'a [u8] {
            self.1 += n;
            &self.0[self.1 - n..self.1]
        }
        fn byte(&mut self) -> u8 {
            self.take(1)[0]
        }
        fn u16(&mut self) -> u16 {
            u16::from_le_bytes([self.byte(), self.byte()])
        }
        fn sub_blocks(&mut self) -> Vec<u8> {
            let mut v = Vec::new();
            loop {
                match self.byte() {
                    0 => return v,
                    n => v.extend_from_slice(self.take(usize::from(n))),
                }
            }
        }
    }

    /// Independent, deliberately naive GIF decoder (GIF89a spec sections 17-26, appendix F).
    fn decode_gif(d: &[u8]) -> Decoded {
        let mut r = Reader(d, 0);
        assert_eq!(r.take(6), b"GIF89a");
        let size = (r.u16(), r.u16());
        let flags = r.take(3)[0];
        let n_colors = usize::from(flags >> 7) << (1 + (flags & 7));
        let palette = r.take(3 * n_colors).chunks(3).map(|c| [c[0], c[1], c[2]]);
        let (mut loop_count, mut gce, mut frames) = (None, None, Vec::new());
        loop {
            match r.byte() {
                0x21 => {
                    let (label, b) = (r.byte(), r.sub_blocks());
                    if label == 0xF9 {
                        assert_eq!(b.len(), 4, "GCE size");
                        gce = Some((u16::from_le_bytes([b[1], b[2]]), (b[0] >> 2) & 7));
                    } else if label == 0xFF && b.starts_with(b"NETSCAPE2.0") {
                        assert_eq!(b[11..].len(), 3, "NETSCAPE sub-block");
                        assert_eq!(b[11], 1, "NETSCAPE sub-block id");
                        loop_count = Some(u16::from_le_bytes([b[12], b[13]]));
                    }
                }
                0x2C => {
                    let rect = [r.u16(), r.u16(), r.u16(), r.u16()];
                    assert_eq!(r.byte() & 0xC0, 0, "no local table or interlace expected");
                    let mcs = r.byte();
                    let (indices, clears) = lzw_decode(mcs, &r.sub_blocks());
                    assert_eq!(indices.len(), usize::from(rect[2]) * usize::from(rect[3]));
                    let (delay, disposal) = gce.take().expect("a GCE before each image");
                    frames.push((delay, disposal, rect, indices, clears));
                }
                0x3B => break,
                b => panic!("unexpected block {b:#x}"),
            }
        }
        assert_eq!(r.1, d.len(), "bytes after the trailer");
        (size, palette.collect(), loop_count, frames)
    }

    /// Classic string-table LZW decoder reading one bit at a time. Strict: the stream must start
    /// with a clear code and end with EOI in its last byte. Returns indices and clear count.
    fn lzw_decode(mcs: u8, data: &[u8]) -> (Vec<u8>, usize) {
        assert!((2..=8).contains(&mcs), "bad min code size {mcs}");
        let (clear, min_width) = (1usize << mcs, usize::from(mcs) + 1);
        let roots: Vec<Vec<u8>> = (0..clear + 2).map(|i| vec![i as u8]).collect();
        let (mut table, mut width, mut prev) = (roots.clone(), min_width, None::<usize>);
        let (mut out, mut clears, mut pos) = (Vec::new(), 0, 0);
        loop {
            assert!(pos + width <= data.len() * 8, "ran out of bits before EOI");
            let bit = |i: usize| usize::from((data[i / 8] >> (i % 8)) & 1);
            let code: usize = (0..width).map(|i| bit(pos + i) << i).sum();
            pos += width;
            if code == clear {
                (table, width, prev, clears) = (roots.clone(), min_width, None, clears + 1);
                continue;
            }
            assert!(clears > 0, "the stream must start with a clear code");
            if code == clear + 1 {
                break;
            }
            if let Some(p) = prev {
                assert!(code <= table.len(), "code {code} not yet defined");
                // Known code: its first byte; the KwKwK case (code == next): prev's first byte.
                let first = table.get(code).unwrap_or(&table[p])[0];
                if table.len() < 4096 {
                    table.push([&table[p][..], &[first]].concat());
                    if table.len() == 1 << width && width < 12 {
                        width += 1;
                    }
                }
            } else {
                assert!(code < clear, "first code after a clear must be a root");
            }
            out.extend_from_slice(&table[code]);
            prev = Some(code);
        }
        assert_eq!(pos.div_ceil(8), data.len(), "bytes after EOI");
        (out, clears)
    }

    /// xorshift64 pseudo-random numbers.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
        fn color(&mut self) -> [u8; 3] {
            [0; 3].map(|_| self.below(256) as u8)
        }
    }

    fn pal(colors: &[[u8; 3]]) -> Palette {
        let colors = colors.to_vec();
        Palette { colors }
    }

    fn palette_of(n: usize) -> Palette {
        let colors = (0..n)
            .map(|i| [i as u8, (i * 7) as u8, !(i as u8)])
            .collect();
        Palette { colors }
    }

    /// Encodes `frames` (indices, delay), decodes with the test decoder and checks everything.
    fn roundtrip(w: u16, h: u16, p: &Palette, frames: &[(Vec<u8>, u16)], lp: bool) -> Decoded {
        let mut enc = GifEncoder::new(w, h, p, lp);
        for (f, delay) in frames {
            enc.add_frame(f, *delay).unwrap();
        }
        assert_eq!(enc.frame_count(), frames.len());
        let dec = decode_gif(&enc.finish());
        assert_eq!(dec.0, (w, h));
        assert_eq!(dec.1.len(), p.colors.len().max(2).next_power_of_two());
        assert_eq!(dec.1[..p.colors.len()], p.colors[..]);
        assert_eq!(dec.2, lp.then_some(0));
        assert_eq!(dec.3.len(), frames.len());
        for (got, (want, delay)) in dec.3.iter().zip(frames) {
            assert_eq!((got.0, got.1, got.2), (*delay, 1, [0, 0, w, h]));
            assert!(got.3 == *want, "{w}x{h} with {} colours", p.colors.len());
        }
        dec
    }

    #[test]
    fn roundtrip_sizes_palettes_and_contents() {
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        for (w, h) in [(1u16, 1u16), (3, 5), (17, 13), (300, 200)] {
            for n in [2usize, 3, 4, 5, 16, 100, 256] {
                let len = usize::from(w) * usize::from(h);
                let noisy = (0..len).map(|_| rng.below(n) as u8).collect();
                let runs = (0..len).map(|i| ((i / 37) % n) as u8).collect();
                for img in [noisy, runs, vec![(n - 1) as u8; len]] {
                    roundtrip(w, h, &palette_of(n), &[(img, 0)], false);
                }
            }
        }
        // Every short length: EOI lands right after width increases and on all bit alignments.
        for len in 1..=400u16 {
            for n in [2usize, 4, 8] {
                let img = (0..len).map(|_| rng.below(n) as u8).collect();
                let zeros = vec![0u8; usize::from(len)];
                roundtrip(len, 1, &palette_of(n), &[(img, 0), (zeros, 0)], false);
            }
        }
    }

    #[test]
    fn long_streams_emit_clear_codes() {
        let mut rng = Rng(7);
        for n in [256usize, 2, 16] {
            let img = (0..512 * 512).map(|_| rng.below(n) as u8).collect();
            let clears = roundtrip(512, 512, &palette_of(n), &[(img, 3)], true).3[0].4;
            assert!(clears > 5, "{clears} clears for {n} colours");
        }
    }

    #[test]
    fn multi_frame_delays_and_looping() {
        let mut rng = Rng(42);
        let frames: Vec<(Vec<u8>, u16)> = [0u16, 7, 250, 65535]
            .map(|d| ((0..40 * 30).map(|_| rng.below(16) as u8).collect(), d))
            .to_vec();
        roundtrip(40, 30, &palette_of(16), &frames, true);
        roundtrip(40, 30, &palette_of(16), &frames, false);
    }

    #[test]
    fn known_answer_hand_derived_5x2_all_zero() {
        // 5x2 image, all index 0, palette [black, white], delay 10 cs, looping.
        // LZW, min code size 2: clear = 4, EOI = 5, first free code 6, width 3.
        // The 10 zeros parse greedily as "0" | "00" | "000" | "0000":
        //   emit 4 (clear), emit 0 and add 6 = "00", emit 6 and add 7 = "000", all 3 bits wide;
        //   emit 7 (3 bits). A decoder reading 7 adds 7 itself, its next free code becomes
        //   8 = 1 << 3, so it reads the next code with 4 bits; we add 8 = "0000".
        //   emit 8 (4 bits), emit 5 = EOI (4 bits).
        // LSB-first bit stream (bit 0 first):
        //   4 = 100 -> bits 0..3 = 0,0,1   0 = 000 -> bits 3..6 = 0,0,0
        //   6 = 110 -> bits 6..9 = 0,1,1   7 = 111 -> bits 9..12 = 1,1,1
        //   8 = 1000 -> bits 12..16 = 0,0,0,1   5 = 0101 -> bits 16..20 = 1,0,1,0
        //   byte 0 = bits 2, 7 = 0x84; byte 1 = bits 8..11, 15 = 0x8F; byte 2 = bits 16, 18 = 0x05.
        #[rustfmt::skip]
        let expected: Vec<u8> = [
            &b"GIF89a"[..],
            &[0x05, 0x00, 0x02, 0x00, 0x80, 0x00, 0x00], // 5x2, 2-entry global table
            &[0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF],       // black, white
            &[0x21, 0xFF, 0x0B], b"NETSCAPE2.0", &[0x03, 0x01, 0x00, 0x00, 0x00],
            &[0x21, 0xF9, 0x04, 0x04, 0x0A, 0x00, 0x00, 0x00], // GCE: disposal 1, 10 cs
            &[0x2C, 0, 0, 0, 0, 0x05, 0x00, 0x02, 0x00, 0x00], // image descriptor
            &[0x02, 0x03, 0x84, 0x8F, 0x05, 0x00, 0x3B],       // LZW data, trailer
        ]
        .concat();
        let mut enc = GifEncoder::new(5, 2, &pal(&[[0; 3], [255; 3]]), true);
        enc.add_frame(&[0; 10], 10).unwrap();
        assert_eq!(enc.finish(), expected);
    }

    #[test]
    fn known_answer_classic_1x1_gif() {
        // The widely published 43-byte 1x1 GIF: white/black table, image data 02 02 44 01 00
        // = codes 4 (clear), 0, 5 (EOI) at 3 bits. Its GCE flags byte is 0x01 (transparent
        // index 0); ours is 0x04 (disposal 1, opaque), patched below.
        let mut expected = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00\
            !\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
            .to_vec();
        assert_eq!(expected.len(), 43);
        expected[22] = 0x04;
        let mut enc = GifEncoder::new(1, 1, &pal(&[[255; 3], [0; 3]]), false);
        enc.add_frame(&[0], 0).unwrap();
        assert_eq!(enc.finish(), expected);
    }

    #[test]
    fn known_answer_published_lzw_streams() {
        // Wikipedia "GIF" article, "Example GIF file": 3x5 image, 256-colour table, pixels
        // 28 FF FF / FF 28 FF / FF FF FF x3, image data 08 0B 00 51 FC 1B 28 70 A0 C1 83 01 01 00
        // (codes 100 028 0FF 103 102 103 106 107 101, all 9 bits).
        let mut px = vec![0xFFu8; 15];
        (px[0], px[4]) = (0x28, 0x28);
        let mut enc = GifEncoder::new(3, 5, &palette_of(256), false);
        enc.add_frame(&px, 0).unwrap();
        let at = 13 + 768 + 8 + 10; // header + screen descriptor, table, GCE, image descriptor
        let wiki = [
            8, 11, 0x00, 0x51, 0xFC, 0x1B, 0x28, 0x70, 0xA0, 0xC1, 0x83, 1, 1, 0,
        ];
        assert_eq!(enc.finish()[at..], [&wiki[..], &[0x3B]].concat());
        // LZW data of a published 16x16 two-colour GIF (git.bvnf.space/gif, hd-annotated):
        // decode it with the test decoder, re-encode the pixels, expect the identical stream.
        let theirs = [
            0x8c, 0x0d, 0xa9, 0xc7, 0xa1, 0xbf, 0x18, 0x9c, 0xe0, 0x24, 0x04, 0xb1, 0x6e, 0xb2,
            0x3e, 0x8e, 0x65, 0x60, 0x18, 0x8d, 0xd3, 0x48, 0x5e, 0x28, 0x65, 0x2e, 0x9e, 0x9a,
            0x6a, 0xb0, 0xf3, 0x6d, 0xdd, 0x4c, 0x57, 0x16, 0x6e, 0x49, 0x4d, 0x01,
        ];
        let (px, _) = lzw_decode(2, &theirs);
        let mut enc = GifEncoder::new(16, 16, &palette_of(2), false);
        enc.add_frame(&px, 0).unwrap();
        let at = 13 + 6 + 8 + 10;
        assert_eq!(
            enc.finish()[at..],
            [&[2, 40][..], &theirs, &[0, 0x3B]].concat()
        );
    }

    fn rgba_from(rgb: &[[u8; 3]]) -> Vec<u8> {
        rgb.iter().flat_map(|c| [c[0], c[1], c[2], 255]).collect()
    }

    /// Runs `encode_rgba_frames`, decodes with the test decoder, returns per-frame RGB pixels.
    fn rgb_roundtrip(w: u16, h: u16, frames: &[Vec<[u8; 3]>]) -> Vec<Vec<[u8; 3]>> {
        let rgba: Vec<Vec<u8>> = frames.iter().map(|f| rgba_from(f)).collect();
        let refs: Vec<&[u8]> = rgba.iter().map(|f| &f[..]).collect();
        let (_, table, _, images) = decode_gif(&encode_rgba_frames(w, h, &refs, 5, true).unwrap());
        let rgb = |f: &Frame| f.3.iter().map(|&i| table[usize::from(i)]).collect();
        images.iter().map(rgb).collect()
    }

    #[test]
    fn flat_colour_images_round_trip_exactly() {
        let mut rng = Rng(5);
        for n in [1usize, 2, 7, 255, 256] {
            let mut cols: Vec<[u8; 3]> = Vec::new();
            while cols.len() < n {
                let c = rng.color();
                // Near-duplicates share a 15-bit cell; they must still stay distinct.
                for c in [c, [c[0], c[1], c[2] ^ 1]] {
                    if cols.len() < n && !cols.contains(&c) {
                        cols.push(c);
                    }
                }
            }
            let frame = |f: usize| (0..64 * 48).map(|i| cols[(i / 5 + f * 3) % n]).collect();
            let frames: Vec<Vec<[u8; 3]>> = vec![frame(0), frame(1)];
            assert_eq!(rgb_roundtrip(64, 48, &frames), frames, "{n} colours");
        }
    }

    #[test]
    fn gradient_quantizes_closely() {
        let s = |v: usize| (v * 255 / 99) as u8;
        let px = |x: usize, y: usize| [s(x), s(y), ((x + y) * 255 / 198) as u8];
        let img: Vec<[u8; 3]> = (0..10_000).map(|i| px(i % 100, i / 100)).collect();
        let mut distinct = img.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 10_000);
        let rgba = rgba_from(&img);
        let palette = build_palette(&[&rgba], 256);
        let mut idx = Vec::new();
        Mapper::new(&palette).map(&rgba, &mut idx);
        let (mut sum, mut max) = (0u64, 0u8);
        for (c, &i) in img.iter().zip(&idx) {
            let q = palette.colors[usize::from(i)];
            // The mapper's choice must be a nearest palette colour (checked by brute force).
            let d2 =
                |p: [u8; 3]| -> u32 { (0..3).map(|k| u32::from(p[k].abs_diff(c[k])).pow(2)).sum() };
            assert_eq!(Some(d2(q)), palette.colors.iter().map(|&p| d2(p)).min());
            for e in [0, 1, 2].map(|k| c[k].abs_diff(q[k])) {
                (sum, max) = (sum + u64::from(e), max.max(e));
            }
        }
        let (n, mean) = (palette.colors.len(), sum as f64 / 30_000.0);
        // Measured: 256 colours, mean abs error 3.51, max 12.
        println!("gradient: {n} colours, mean abs error {mean:.2}, max {max}");
        assert!(n <= 256 && mean < 4.0 && max < 24, "mean {mean}, max {max}");
        let quantized: Vec<_> = idx
            .iter()
            .map(|&i| palette.colors[usize::from(i)])
            .collect();
        assert_eq!(rgb_roundtrip(100, 100, &[img])[0], quantized);
    }

    #[test]
    fn palette_size_limits() {
        let mut rng = Rng(11);
        let noise: Vec<u8> = (0..4 * 5000).map(|_| rng.below(256) as u8).collect();
        for (max, want) in [(0, 2), (1, 2), (2, 2), (16, 16), (256, 256), (999, 256)] {
            let got = build_palette(&[&noise], max).colors.len();
            assert_eq!(got, want, "max {max}");
        }
        assert_eq!(build_palette(&[], 256), pal(&[[0; 3], [255; 3]]));
        assert_eq!(build_palette(&[&[9, 9, 9, 0]], 256), pal(&[[9; 3], [0; 3]]));
    }

    #[test]
    fn mapper_maps_palette_colours_to_themselves() {
        let mut rng = Rng(3);
        let mut colors: Vec<[u8; 3]> = Vec::new();
        while colors.len() < 256 {
            let c = rng.color();
            for c in [c, [c[0] ^ 1, c[1], c[2]], [c[0], c[1] ^ 2, c[2] ^ 4]] {
                if colors.len() < 256 && !colors.contains(&c) {
                    colors.push(c);
                }
            }
        }
        let (mut mapper, mut idx) = (Mapper::new(&pal(&colors)), Vec::new());
        for _ in 0..2 {
            // Cold, then warm cache; random non-palette pixels after the palette ones.
            let mut rgba = rgba_from(&colors);
            rgba.extend((0..4000).map(|_| rng.below(256) as u8));
            mapper.map(&rgba, &mut idx);
            assert!(idx[..256].iter().copied().eq(0..=255));
        }
        Mapper::new(&pal(&[[0; 3], [255; 3]])).map(&[200, 190, 210, 0, 20, 40, 10, 9, 1], &mut idx);
        assert_eq!(idx, [1, 0]);
    }

    #[test]
    fn errors_instead_of_panics() {
        let mut enc = GifEncoder::new(4, 3, &palette_of(5), false);
        assert!(enc.add_frame(&[0; 11], 0).is_err());
        assert!(enc.add_frame(&[0; 13], 0).is_err());
        let mut bad = [4u8; 12];
        assert!(enc.add_frame(&bad, 0).is_ok());
        bad[7] = 5;
        assert!(enc.add_frame(&bad, 0).is_err());
        assert_eq!(enc.frame_count(), 1);
        assert_eq!(decode_gif(&enc.finish()).3.len(), 1);
        let mut empty = GifEncoder::new(4, 3, &Palette::default(), false);
        assert!(empty.add_frame(&[0; 12], 0).is_err());
        let px = [0u8; 4 * 12];
        assert!(encode_rgba_frames(4, 3, &[], 1, true).is_err());
        assert!(encode_rgba_frames(0, 3, &[&[]], 1, true).is_err());
        assert!(encode_rgba_frames(4, 0, &[&[]], 1, true).is_err());
        assert!(encode_rgba_frames(4, 3, &[&px, &px[..47]], 1, true).is_err());
        assert!(encode_rgba_frames(4, 3, &[&px, &[0u8; 52]], 1, true).is_err());
        assert!(encode_rgba_frames(4, 3, &[&px, &px], 1, true).is_ok());
    }

    #[test]
    #[ignore = "a timing print, not a check: run with --ignored --nocapture in a release build"]
    fn timing_60_frames_480x480() {
        let v = |a: f64| (127.5 + 127.5 * a.sin()) as u8;
        let frame = |t: f64| -> Vec<u8> {
            let px = |x: f64, y: f64| [v(x / 60.0 + t), v(y / 45.0 - t), v((x + y) / 90.0), 255];
            (0..480 * 480)
                .flat_map(|i| px((i % 480) as f64, (i / 480) as f64))
                .collect()
        };
        let frames: Vec<Vec<u8>> = (0..60).map(|f| frame(f as f64 * 0.1)).collect();
        let refs: Vec<&[u8]> = frames.iter().map(|f| &f[..]).collect();
        let t0 = std::time::Instant::now();
        let gif = encode_rgba_frames(480, 480, &refs, 4, true).unwrap();
        let total = t0.elapsed().as_secs_f64() * 1e3;
        let t1 = std::time::Instant::now();
        assert_eq!(build_palette(&refs, 256).colors.len(), 256);
        let t_pal = t1.elapsed().as_secs_f64() * 1e3;
        let kib = gif.len() / 1024;
        println!("60 frames 480x480: {total:.0} ms total ({t_pal:.0} ms palette), {kib} KiB");
        assert_eq!(decode_gif(&gif).3.len(), 60);
    }

    #[test]
    fn unchanged_pixels_become_transparent_and_composite_back() {
        // A still background with a moving square, 15 colours + a transparent slot (15).
        let (w, h) = (40usize, 30usize);
        let frame = |t: usize| -> Vec<u8> {
            (0..w * h)
                .map(|p| {
                    let (x, y) = (p % w, p / w);
                    if (t * 3..t * 3 + 8).contains(&x) && (10..18).contains(&y) {
                        14
                    } else {
                        ((x / 5 + y / 5) % 14) as u8
                    }
                })
                .collect()
        };
        let frames: Vec<Vec<u8>> = (0..6).map(frame).collect();
        let pal = Palette {
            colors: (0..16).map(|i| [i * 15, 255 - i * 15, i * 7]).collect(),
        };
        let encode = |with_t: bool| {
            let mut enc = GifEncoder::new(w as u16, h as u16, &pal, false);
            let mut marked = Vec::new();
            for (i, f) in frames.iter().enumerate() {
                if i > 0 && with_t {
                    mark_unchanged(&frames[i - 1], f, 15, &mut marked);
                    enc.add_frame_over(&marked, 5, Some(15)).unwrap();
                } else {
                    enc.add_frame(f, 5).unwrap();
                }
            }
            enc.finish()
        };
        let (plain, over) = (encode(false), encode(true));
        assert!(
            over.len() < plain.len(),
            "{} vs {}",
            over.len(),
            plain.len()
        );
        // Every later frame's GCE: flags 0x05 (disposal 1 + transparency), index 15.
        let gces: Vec<&[u8]> = over
            .windows(8)
            .filter(|b| b[0] == 0x21 && b[1] == 0xF9 && b[2] == 0x04)
            .collect();
        assert_eq!(gces.len(), frames.len());
        assert_eq!((gces[0][3], gces[0][6]), (0x04, 0));
        for g in &gces[1..] {
            assert_eq!((g[3], g[6]), (0x05, 15));
        }
        // Compositing the decoded images (transparent keeps the previous pixel) gives the frames.
        let (_, _, _, decoded) = decode_gif(&over);
        let mut screen = vec![0u8; w * h];
        for (k, (img, want)) in decoded.iter().zip(&frames).enumerate() {
            assert_eq!(img.1, 1, "disposal 1");
            for (s, &i) in screen.iter_mut().zip(&img.3) {
                if k == 0 || i != 15 {
                    *s = i;
                }
            }
            assert_eq!(&screen, want, "frame {k}");
        }
        // A transparent index outside the palette is refused.
        let mut enc = GifEncoder::new(2, 1, &pal, false);
        assert!(enc.add_frame_over(&[0, 1], 1, Some(16)).is_err());
    }
}
