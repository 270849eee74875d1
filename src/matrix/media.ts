import { MatrixApiError } from './errors';
import type { MatrixHttp } from './http';

/** Thrown when media is larger than the caller's cap, or is not an mxc URI we accept. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
}

const MXC = /^mxc:\/\/([A-Za-z0-9.:[\]-]+)\/([A-Za-z0-9_-]+)$/;

export function parseMxc(mxc: string): { server: string; mediaId: string } {
  const m = MXC.exec(mxc);
  if (!m) throw new MediaError(`not a valid mxc URI: ${mxc.slice(0, 100)}`);
  return { server: m[1] as string, mediaId: m[2] as string };
}

/**
 * Media through the homeserver: uploads as a ghost, downloads through the authenticated
 * media API (spec v1.11; servers that freeze unauthenticated media broke every bridge that
 * kept using `/_matrix/media/v3/download`), falling back to the old route for old servers.
 */
export class MatrixMedia {
  constructor(private readonly http: MatrixHttp) {}

  async upload(data: Buffer, contentType: string, filename?: string, asUser?: string): Promise<string> {
    const res = await this.http.request<{ content_uri: string }>('POST', '/_matrix/media/v3/upload', {
      raw: { data, contentType },
      query: { filename },
      asUser,
    });
    return res.content_uri;
  }

  async download(mxc: string, maxBytes: number): Promise<Buffer> {
    const { server, mediaId } = parseMxc(mxc);
    const path = `${encodeURIComponent(server)}/${encodeURIComponent(mediaId)}`;
    let data: Buffer;
    try {
      data = await this.http.request<Buffer>('GET', `/_matrix/client/v1/media/download/${path}`, {
        attempts: 2,
      });
    } catch (err) {
      if (!(
        err instanceof MatrixApiError &&
        (err.status === 404 || err.status === 400) &&
        err.errcode === 'M_UNRECOGNIZED'
      )) {
        throw err;
      }
      data = await this.http.request<Buffer>('GET', `/_matrix/media/v3/download/${path}`, { attempts: 2 });
    }
    if (!Buffer.isBuffer(data)) data = Buffer.from(JSON.stringify(data));
    if (data.length > maxBytes)
      throw new MediaError(`file is ${data.length} bytes, more than the limit of ${maxBytes}`);
    return data;
  }
}
