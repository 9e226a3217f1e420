/**
 * Just enough of the ZIP format to look inside a container without inflating it: list entry
 * names (for format detection) and declared uncompressed sizes (to refuse zip bombs before
 * mammoth inflates everything in memory). Reads local file headers from the start and, when the
 * whole file is present, the central directory at the end.
 */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;

export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

const latin1 = new TextDecoder('latin1');

/** Entry names from local headers, walking forward until the buffer ends or a header is cut off. */
export function localEntryNames(buf: Uint8Array, maxEntries = 256): string[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const names: string[] = [];
  let p = 0;
  while (p + 30 <= buf.length && names.length < maxEntries) {
    if (view.getUint32(p, true) !== LOCAL_SIG) break;
    const flags = view.getUint16(p + 6, true);
    const csize = view.getUint32(p + 18, true);
    const nameLen = view.getUint16(p + 26, true);
    const extraLen = view.getUint16(p + 28, true);
    if (p + 30 + nameLen > buf.length) break;
    names.push(latin1.decode(buf.subarray(p + 30, p + 30 + nameLen)));
    // With a data descriptor (bit 3) the size is unknown here; stop walking.
    if (flags & 0x08) break;
    p += 30 + nameLen + extraLen + csize;
  }
  return names;
}

/** The central directory, or null when the end record is missing (truncated or not a zip). */
export function centralDirectory(buf: Uint8Array): ZipEntry[] | null {
  if (buf.length < 22) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let eocd = -1;
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let p = buf.length - 22; p >= stop; p--) {
    if (view.getUint32(p, true) === EOCD_SIG) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || view.getUint32(p, true) !== CENTRAL_SIG) return null;
    const csize = view.getUint32(p + 20, true);
    const usize = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    if (p + 46 + nameLen > buf.length) return null;
    entries.push({
      name: latin1.decode(buf.subarray(p + 46, p + 46 + nameLen)),
      compressedSize: csize,
      uncompressedSize: usize,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
