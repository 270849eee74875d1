import { toJsonb } from '../../src/store/jsonb';
import { BACKENDS, freshDatabase } from '../support/databases';

describe('toJsonb', () => {
  it('replaces NUL characters, and only them', () => {
    const text = toJsonb({ body: 'a\0b', literal: '\\u0000', both: '\\\0' });
    expect(JSON.parse(text)).toEqual({ body: 'a\ufffdb', literal: '\\u0000', both: '\\\ufffd' });
  });

  it.each(BACKENDS)('is accepted as jsonb where plain JSON.stringify is refused (%s)', async (backend) => {
    const { db, drop } = await freshDatabase(backend, { migrate: false });
    try {
      const value = { body: 'safe\r\nQUIT :pwned\0' };
      await expect(db.query('SELECT $1::jsonb AS v', [JSON.stringify(value)])).rejects.toThrow(/Unicode/);
      const res = await db.query<{ v: { body: string } }>('SELECT $1::jsonb AS v', [toJsonb(value)]);
      expect(res.rows[0]?.v.body).toBe('safe\r\nQUIT :pwned\ufffd');
    } finally {
      await drop();
    }
  });
});
