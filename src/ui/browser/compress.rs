//! Deflate (raw, RFC 1951) through the browser's own `CompressionStream` and
//! `DecompressionStream`: compact lesson links at no cost to the WebAssembly.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableWritablePair, WritableStream};

// `web_sys` has these only behind `web_sys_unstable_apis` (which would change other bindings
// the app uses); the two constructors and their two streams are all the app needs.
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> WritableStream;
}

/// The format both streams use.
const FORMAT: &str = "deflate-raw";

/// `bytes` deflated, or `None` where the browser cannot (no `CompressionStream`).
pub async fn deflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let cs = CompressionStream::new(FORMAT).ok()?;
    run(bytes, cs.readable(), cs.writable()).await
}

/// `bytes` inflated, or `None` if they are not deflate data, the browser cannot, or the result
/// would be longer than `max` bytes.
pub async fn inflate(bytes: &[u8], max: usize) -> Option<Vec<u8>> {
    let ds = DecompressionStream::new(FORMAT).ok()?;
    let out = run(bytes, ds.readable(), ds.writable()).await?;
    (out.len() <= max).then_some(out)
}

/// `bytes` through a transform stream (a blob's stream piped through it, read whole).
async fn run(bytes: &[u8], readable: ReadableStream, writable: WritableStream) -> Option<Vec<u8>> {
    let part = js_sys::Uint8Array::from(bytes);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&part)).ok()?;
    let stream = blob
        .stream()
        .pipe_through(&ReadableWritablePair::new(&readable, &writable));
    let resp = web_sys::Response::new_with_opt_readable_stream(Some(&stream)).ok()?;
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(buf.dyn_ref::<js_sys::ArrayBuffer>()?).to_vec())
}
