/**
 * Request bodies as @discordjs/rest sends them: JSON, or multipart/form-data with `payload_json`
 * plus `files[n]` parts when there are uploads (REST.resolveRequest). Multipart is parsed with the
 * WHATWG `Response#formData()` built into Node, so no extra dependency is needed.
 */
import type { IncomingMessage } from 'node:http';
import { JsonErrorCode, RestError } from './errors';
import type { RecordedFile } from './types';
import { isRecord } from './util';

export interface ParsedBody {
  body: unknown;
  files: RecordedFile[];
}

/** Reads the whole body; bytes beyond `cap` are drained but not kept, and the request is then refused. */
async function readAll(req: IncomingMessage, cap: number): Promise<{ data: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size <= cap) chunks.push(buffer);
  }
  return { data: Buffer.concat(chunks), truncated: size > cap };
}

const tooLarge = (): RestError =>
  new RestError(413, JsonErrorCode.RequestEntityTooLarge, 'Request entity too large');

export async function parseBody(req: IncomingMessage, maxUploadBytes: number): Promise<ParsedBody> {
  // Room for the multipart envelope and payload_json around the files themselves.
  const { data, truncated } = await readAll(req, maxUploadBytes + 1024 * 1024);
  if (truncated) throw tooLarge();
  if (data.length === 0) return { body: null, files: [] };
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) return parseMultipart(data, contentType, maxUploadBytes);
  try {
    return { body: JSON.parse(data.toString('utf8')), files: [] };
  } catch {
    throw new RestError(400, JsonErrorCode.InvalidJson, 'The request body contains invalid JSON.');
  }
}

async function parseMultipart(
  data: Buffer,
  contentType: string,
  maxUploadBytes: number,
): Promise<ParsedBody> {
  const form = await new Response(new Uint8Array(data), {
    headers: { 'content-type': contentType },
  }).formData();
  let body: Record<string, unknown> | null = null;
  const fields: Record<string, unknown> = {};
  const files: RecordedFile[] = [];
  // tsconfig's lib has DOM but not DOM.Iterable, so FormData is walked with forEach.
  const entries: [string, FormDataEntryValue][] = [];
  form.forEach((value, field) => entries.push([field, value]));
  for (const [field, value] of entries) {
    if (typeof value !== 'string') {
      const bytes = Buffer.from(await value.arrayBuffer());
      const type = value.type || 'application/octet-stream';
      files.push({ field, filename: value.name, contentType: type, size: bytes.length, data: bytes });
    } else if (field === 'payload_json') {
      const parsed: unknown = JSON.parse(value);
      body = isRecord(parsed) ? parsed : {};
    } else {
      // REST `appendToFormData` requests send each body field as its own part.
      fields[field] = value;
    }
  }
  if (files.reduce((sum, file) => sum + file.size, 0) > maxUploadBytes) throw tooLarge();
  return { body: body ?? (Object.keys(fields).length > 0 ? fields : null), files };
}
