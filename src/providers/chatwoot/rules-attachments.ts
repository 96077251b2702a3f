// Attachments as the simulator keeps them: the uploaded bytes (bounded) and the image dimensions ActiveStorage's
// image analyzer records in `file.metadata` (Chatwoot 4.12 `Attachment#file_metadata`). Pure: no Hono, no I/O.
// A maintained reader (the `image-size` package) would cover more formats; it is not a dependency here, so the
// three formats browsers send most are read from their headers.

/** Width and height of an image. */
export type ImageSize = { width: number; height: number };

/** A PNG: the IHDR chunk's width and height (big-endian, bytes 16-23). */
function readPngSize(b: Uint8Array): ImageSize | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 24 || signature.some((v, i) => b[i] !== v)) return null;
  if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** A GIF: the logical screen width and height (little-endian, bytes 6-9). */
function readGifSize(b: Uint8Array): ImageSize | null {
  if (b.length < 10) return null;
  const header = String.fromCharCode(...b.subarray(0, 6));
  if (header !== 'GIF87a' && header !== 'GIF89a') return null;
  return { width: b[6]! | (b[7]! << 8), height: b[8]! | (b[9]! << 8) };
}

/** Start-of-frame markers that carry the frame size (SOF0-SOF15 without DHT, JPG and DAC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** A JPEG: walks the segments to the first start-of-frame, whose height and width follow the precision byte. */
function readJpegSize(b: Uint8Array): ImageSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (i + 8 >= b.length) return null;
      return { height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
    }
    i += 2 + length;
  }
  return null;
}

/** The dimensions of a PNG, GIF or JPEG image, or null for anything else (or a truncated header). */
export function readImageSize(bytes: Uint8Array): ImageSize | null {
  return readPngSize(bytes) ?? readGifSize(bytes) ?? readJpegSize(bytes);
}

/** The key an attachment is served under: its message and its own id (Chatwoot's signed blob id is opaque). */
export function toAttachmentKey(messageId: number, attachmentId: number): string {
  return `${messageId}-${attachmentId}`;
}

/** The message and attachment ids of a key, or null when it is not one. */
export function parseAttachmentKey(key: string): { messageId: number; attachmentId: number } | null {
  const m = /^(\d{1,15})-(\d{1,15})$/.exec(key);
  return m ? { messageId: Number(m[1]), attachmentId: Number(m[2]) } : null;
}
