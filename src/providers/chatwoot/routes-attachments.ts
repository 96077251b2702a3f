// Serves the bytes of message attachments at the `data_url`/`thumb_url` the answers and webhooks carry. Chatwoot's
// URLs are ActiveStorage redirects (`/rails/active_storage/blobs/redirect/<signed id>/<filename>`, and
// `representations/redirect/...` for the 250 px thumbnail) that end at the storage service; the simulator answers
// the bytes itself at the same paths, keyed `<message id>-<attachment id>` (simulator choice: no signing, no
// redirect, the thumbnail is the original image).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import type { ChatwootContext } from './events.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import type { UploadedFile } from './rules.ts';
import { parseAttachmentKey, readImageSize } from './rules-attachments.ts';

/**
 * Adds the bytes (base64; the body limit bounds them, the `attachmentBytes` option decides which a message keeps)
 * and image dimensions of each uploaded file to the files of `params`, read from the multipart `form` in the order
 * `parseParams` listed them.
 */
export async function readUploadedBytes(form: unknown, files: UploadedFile[]): Promise<void> {
  if (typeof form !== 'object' || form === null) return;
  let index = 0;
  for (const raw of Object.values(form as Record<string, unknown>)) {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (!(item instanceof File)) continue;
      const file = files[index++];
      if (!file) return;
      const bytes = new Uint8Array(await item.arrayBuffer());
      const size = readImageSize(bytes);
      file.width = size?.width ?? null;
      file.height = size?.height ?? null;
      file.data = Buffer.from(bytes).toString('base64');
    }
  }
}

/** The attachment routes: the file (`data_url`) and its thumbnail (`thumb_url`). */
export function createAttachmentRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  const serve = (c: Context) => {
    const key = parseAttachmentKey(c.req.param('key') ?? '');
    const m = key ? getOwn(ctx.state().messages, String(key.messageId)) : undefined;
    const a = m?.attachments.find((x) => x.id === key?.attachmentId);
    if (!a?.data || c.req.param('filename') !== a.file_name) refuseWith(c, ERROR_NOT_FOUND);
    const bytes = Buffer.from(a.data, 'base64');
    const disposition = a.file_type === 'image' ? 'inline' : 'attachment';
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': a.content_type,
      'content-length': String(bytes.byteLength),
      'content-disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(a.file_name)}`,
    });
  };
  app.get('/rails/active_storage/blobs/redirect/:key/:filename', serve);
  app.get('/rails/active_storage/representations/redirect/:key/:variant/:filename', serve);

  return app;
}
