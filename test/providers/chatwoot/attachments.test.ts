// Attachments served at their data_url/thumb_url with image width/height (Attachment#push_event_data,
// app/models/attachment.rb, Chatwoot 4.12). The paths are ActiveStorage's redirect paths; the simulator answers the
// bytes itself (docs/providers/chatwoot.md, "Attachments").
import { describe, expect, test } from 'vitest';
import { readImageSize } from '../../../src/providers/chatwoot/rules-attachments.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { createChatwootSim, createConversation, createHookedSim, type Json, TOKEN } from './helpers.ts';

/** A PNG header: signature, then the IHDR chunk with `width` x `height`. */
function makePng(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(b.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return b;
}

/** A JPEG: SOI, an APP0 segment, then SOF0 with `width` x `height`. */
function makeJpeg(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x04,
    0x4a,
    0x46,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
  ]);
}

/** A GIF89a header with `width` x `height`. */
function makeGif(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0x47,
    0x49,
    0x46,
    0x38,
    0x39,
    0x61,
    width & 0xff,
    width >> 8,
    height & 0xff,
    height >> 8,
  ]);
}

async function postFile(sim: Simulator, bytes: Uint8Array, type: string, name: string): Promise<Json> {
  const form = new FormData();
  form.append('content', 'file');
  form.append('attachments[]', new Blob([bytes], { type }), name);
  const res = await sim.app.request('/api/v1/accounts/1/conversations/1/messages', {
    method: 'POST',
    headers: { api_access_token: TOKEN },
    body: form,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

describe('chatwoot attachments', () => {
  test('PNG, JPEG and GIF dimensions are read from their headers; other bytes have none', () => {
    expect(readImageSize(makePng(640, 480))).toEqual({ width: 640, height: 480 });
    expect(readImageSize(makeJpeg(1024, 768))).toEqual({ width: 1024, height: 768 });
    expect(readImageSize(makeGif(3, 2))).toEqual({ width: 3, height: 2 });
    expect(readImageSize(new TextEncoder().encode('%PDF-1.4'))).toBeNull();
    expect(readImageSize(makePng(1, 1).subarray(0, 20))).toBeNull();
    expect(readImageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toBeNull();
  });

  test('an image attachment has width, height, a data_url and a thumb_url that serve its bytes', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    const png = makePng(640, 480);
    const message = await postFile(sim, png, 'image/png', 'pic one.png');
    const attachment = message.attachments[0];
    expect(attachment).toMatchObject({
      file_type: 'image',
      extension: 'png',
      file_size: png.byteLength,
      width: 640,
      height: 480,
      data_url: `/rails/active_storage/blobs/redirect/${message.id}-1/pic%20one.png`,
      thumb_url: `/rails/active_storage/representations/redirect/${message.id}-1/thumb/pic%20one.png`,
    });
    for (const url of [attachment.data_url, attachment.thumb_url]) {
      const res = await sim.app.request(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''pic%20one.png");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
    }
    await sim.control.idle();
    expect(bodies('message_created')[0].attachments[0]).toMatchObject({ width: 640, height: 480 });
  });

  test('a file that is no image has null width and height, no thumb_url, and is served as an attachment', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const pdf = new TextEncoder().encode('%PDF-1.4 hello');
    const attachment = (await postFile(sim, pdf, 'application/pdf', 'doc.pdf')).attachments[0];
    expect(attachment).toMatchObject({ file_type: 'file', width: null, height: null, thumb_url: '' });
    const res = await sim.app.request(attachment.data_url);
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''doc.pdf");
    expect(await res.text()).toBe('%PDF-1.4 hello');
  });

  test('an unknown key, a wrong file name or an inherited name answers the record-miss 404', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const message = await postFile(sim, makeGif(1, 1), 'image/gif', 'a.gif');
    for (const path of [
      `/rails/active_storage/blobs/redirect/${message.id}-9/a.gif`,
      `/rails/active_storage/blobs/redirect/${message.id}-1/b.gif`,
      '/rails/active_storage/blobs/redirect/constructor/a.gif',
      '/rails/active_storage/blobs/redirect/__proto__-1/a.gif',
    ]) {
      const res = await sim.app.request(path);
      expect([res.status, await res.json()]).toEqual([404, { error: 'Resource could not be found' }]);
    }
  });

  test('a file over 1 MiB keeps its metadata and dimensions but not its bytes', async () => {
    const sim = await createChatwootSim({ bodyLimit: 4 * 1_048_576 });
    await createConversation(sim);
    const big = new Uint8Array(1_048_577);
    big.set(makePng(20, 10));
    const attachment = (await postFile(sim, big, 'image/png', 'big.png')).attachments[0];
    expect(attachment).toMatchObject({ file_size: 1_048_577, width: 20, height: 10 });
    expect((await sim.app.request(attachment.data_url)).status).toBe(404);
  });

  test('the attachmentBytes option sets the largest file whose bytes are kept; 0 keeps none', async () => {
    const small = await createChatwootSim({ providerOptions: { chatwoot: { attachmentBytes: 20 } } });
    await createConversation(small);
    const gif = makeGif(2, 3);
    expect(gif.byteLength).toBeLessThanOrEqual(20);
    const kept = (await postFile(small, gif, 'image/gif', 'a.gif')).attachments[0];
    expect((await small.app.request(kept.data_url)).status).toBe(200);
    const pdf = new TextEncoder().encode('%PDF-1.4 longer than twenty bytes');
    const dropped = (await postFile(small, pdf, 'application/pdf', 'doc.pdf')).attachments[0];
    expect(dropped).toMatchObject({ file_size: pdf.byteLength });
    expect((await small.app.request(dropped.data_url)).status).toBe(404);
    const none = await createChatwootSim({ providerOptions: { chatwoot: { attachmentBytes: 0 } } });
    await createConversation(none);
    const meta = (await postFile(none, gif, 'image/gif', 'a.gif')).attachments[0];
    expect(meta).toMatchObject({ width: 2, height: 3 });
    expect((await none.app.request(meta.data_url)).status).toBe(404);
  });

  test('a deleted message no longer serves its attachment', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const message = await postFile(sim, makePng(1, 1), 'image/png', 'p.png');
    await sim.app.request(`/api/v1/accounts/1/conversations/1/messages/${message.id}`, {
      method: 'DELETE',
      headers: { api_access_token: TOKEN },
    });
    expect((await sim.app.request(message.attachments[0].data_url)).status).toBe(404);
  });

  // Ported from spec/controllers/public/api/v1/inbox/messages_controller_spec.rb 'creates attachment message in
  // conversation'.
  test('a Client API message takes attachments', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const form = new FormData();
    form.append('content', 'hello');
    form.append('attachments[]', new Blob([makePng(2, 2)], { type: 'image/png' }), 'avatar.png');
    const res = await sim.app.request(
      '/public/api/v1/inboxes/inbox-1/contacts/contact-source-1/conversations/1/messages',
      { method: 'POST', body: form },
    );
    const json = (await res.json()) as Json;
    expect(json.content).toBe('hello');
    expect(json.attachments[0]).toMatchObject({ file_type: 'image', width: 2, height: 2 });
  });
});
