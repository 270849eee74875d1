import {
  isValidChannel,
  isValidMiddleParam,
  isValidNick,
  lineBudget,
  sanitizeNick,
  splitMessage,
  stripUnsafe,
  toSingleLine,
  truncateUtf8,
} from '../../../bridges/irc/irc-text';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('stripUnsafe', () => {
  test('removes CR, LF, NUL, the CTCP delimiter and other C0 controls', () => {
    expect(stripUnsafe('hi\r\nQUIT :pwned')).toBe('hiQUIT :pwned');
    expect(stripUnsafe('a\0b\x01c\x07d\x1be\x7f')).toBe('abcde');
  });

  test('keeps IRC formatting codes and Unicode; tabs become spaces', () => {
    const formatted =
      '\x02bold\x02 \x0304red\x03 \x0f\x11mono\x11 \x16rev\x16 \x1dit\x1d \x1estrike\x1e \x1fu\x1f';
    expect(stripUnsafe(formatted)).toBe(formatted);
    expect(stripUnsafe('日本\u2028🎉')).toBe('日本\u2028🎉');
    expect(stripUnsafe('a\tb')).toBe('a b');
  });

  test('toSingleLine turns every kind of line break into one space', () => {
    expect(toSingleLine('a\r\nb\nc\rd\0')).toBe('a b c d');
  });
});

describe('isValidNick', () => {
  test.each(['alice', 'Bob', '[m]carol', 'a-b', '_x', '`x', '{x}|^', 'x\\y', 'n1ck'])(
    'accepts %j',
    (nick) => {
      expect(isValidNick(nick, { maxLength: 30 })).toBe(true);
    },
  );

  test.each(['', '1abc', '-abc', 'a b', 'a\r\nb', 'jösé', 'a!b', 'a@b', 'a,b', 'a.b', '#chan', ':x'])(
    'refuses %j',
    (nick) => {
      expect(isValidNick(nick, { maxLength: 30 })).toBe(false);
    },
  );

  test('refuses nicks longer than maxLength', () => {
    expect(isValidNick('abcdefghij', { maxLength: 9 })).toBe(false);
    expect(isValidNick('abcdefghi', { maxLength: 9 })).toBe(true);
  });
});

describe('isValidChannel', () => {
  test.each(['#chan', '&local', '#日本語', '#a-b_c.d', '##double'])('accepts %j', (name) => {
    expect(isValidChannel(name)).toBe(true);
  });

  test.each(['', '#', 'chan', '#a b', '#a,b', '#a\x07b', '#a:b', '#a\r\nQUIT', '#a\0'])(
    'refuses %j',
    (name) => {
      expect(isValidChannel(name)).toBe(false);
    },
  );

  test('follows the server CHANTYPES and CHANNELLEN (in bytes)', () => {
    expect(isValidChannel('&x', { chantypes: '#' })).toBe(false);
    expect(isValidChannel('#' + 'é'.repeat(5), { maxLength: 10 })).toBe(false);
    expect(isValidChannel('#' + 'é'.repeat(4), { maxLength: 10 })).toBe(true);
  });
});

test('isValidMiddleParam: one word, no leading colon, no controls', () => {
  expect(isValidMiddleParam('key')).toBe(true);
  for (const bad of ['', ':key', 'two words', 'a\r\nb', 'a\tb']) expect(isValidMiddleParam(bad)).toBe(false);
});

describe('sanitizeNick', () => {
  test.each([
    ['Alice Smith', 'Alice_Smith'],
    ['José Müller', 'Jose_Muller'],
    ['42', '_42'],
    ['-dash', '_-dash'],
    ['alice.bob@example.org', 'alice_bob_example_org'],
    ['  spaced  out  ', 'spaced_out'],
    ['[m]ok', '[m]ok'],
    ['🎉🎉', 'matrix_user'],
    ['', 'matrix_user'],
  ])('%j → %j', (input, nick) => {
    expect(sanitizeNick(input)).toBe(nick);
  });

  test('cuts to maxLength and uses the fallback when nothing is left', () => {
    expect(sanitizeNick('a'.repeat(50), { maxLength: 16 })).toBe('a'.repeat(16));
    expect(sanitizeNick('日本語', { fallback: 'guest' })).toBe('guest');
    expect(() => sanitizeNick('日本語', { fallback: '1bad' })).toThrow(RangeError);
  });

  test('always returns a valid nick', () => {
    const samples = ['a b c', '\r\nQUIT :x', '9lives', '---', 'Ελληνικά text', 'x'.repeat(100), '@:!', 'ok_'];
    for (const sample of samples) expect(isValidNick(sanitizeNick(sample), { maxLength: 30 })).toBe(true);
  });
});

test('truncateUtf8 cuts on character boundaries', () => {
  expect(truncateUtf8('hello', 10)).toBe('hello');
  expect(truncateUtf8('aé', 2)).toBe('a');
  expect(truncateUtf8('🎉🎉', 5)).toBe('🎉');
  expect(truncateUtf8('🎉', 3)).toBe('');
});

test('lineBudget leaves room for ":hostmask PRIVMSG target :" and CRLF', () => {
  // 512 - (1 + 20 + 9 + 2 + 2 + 2)
  expect(lineBudget('#c', { hostmaskLength: 20 })).toBe(476);
  expect(lineBudget('#日本', { hostmaskLength: 20, lineLength: 1024 })).toBe(1024 - (1 + 20 + 9 + 7 + 2 + 2));
});

describe('splitMessage', () => {
  test('short text is one line; multi-line text several; empty lines dropped', () => {
    expect(splitMessage('hello', 100)).toEqual(['hello']);
    expect(splitMessage('a\nb\r\n\r\n  \rc', 100)).toEqual(['a', 'b', 'c']);
    expect(splitMessage('\n\n', 100)).toEqual([]);
  });

  test('strips unsafe controls from every line', () => {
    expect(splitMessage('a\x01b\0c', 100)).toEqual(['abc']);
  });

  test('prefers word boundaries, dropping the whitespace it breaks at', () => {
    expect(splitMessage('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(splitMessage('aaa  bbbb', 5)).toEqual(['aaa', 'bbbb']);
  });

  test('breaks inside a word only when the word alone is too long', () => {
    expect(splitMessage('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitMessage('a bcdefghijk', 4)).toEqual(['a', 'bcde', 'fghi', 'jk']);
  });

  test('never breaks a multi-byte character or a surrogate pair', () => {
    expect(splitMessage('ééééé', 5)).toEqual(['éé', 'éé', 'é']);
    expect(splitMessage('🎉'.repeat(5), 9)).toEqual(['🎉🎉', '🎉🎉', '🎉']);
    expect(splitMessage('a🎉', 4)).toEqual(['a', '🎉']);
  });

  test('keeps grapheme clusters together when they fit, else splits them between code points', () => {
    const family = '👩‍👩‍👧‍👦'; // 25 bytes, 7 code points
    expect(splitMessage(`x${family}`, 25)).toEqual(['x', family]);
    const pieces = splitMessage(family, 10);
    expect(pieces.join('')).toBe(family);
    for (const piece of pieces) {
      expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(10);
      expect(piece).not.toMatch(LONE_SURROGATE);
    }
  });

  test('random mixed text: every piece fits, is well-formed, and nothing is lost', () => {
    const alphabet = ['a', 'b', ' ', 'é', '日', '🎉', '👍🏽', '\x02', 'z', ' '];
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 200; round++) {
      const length = Math.floor(random() * 300);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const maxBytes = 4 + Math.floor(random() * 60);
      const pieces = splitMessage(text, maxBytes);
      for (const piece of pieces) {
        expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(maxBytes);
        expect(piece).not.toMatch(LONE_SURROGATE);
        expect(piece.trim()).not.toBe('');
      }
      expect(pieces.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  test('refuses a budget that cannot hold a character', () => {
    expect(() => splitMessage('x', 3)).toThrow(RangeError);
  });
});
