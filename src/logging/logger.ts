import type { Writable } from 'node:stream';
import winston from 'winston';
import type { Config } from '../config/types';
import type { Logger } from '../sdk/context';
import { redactFormat } from './redact';

export interface LoggerOptions {
  /** Where lines go; stdout by default. */
  readonly stream?: Writable;
  /** Colour the pretty format; by default only when the stream is a terminal. */
  readonly colors?: boolean;
  /** Metadata on every line, e.g. `{ service: 'switchboard' }`. */
  readonly meta?: Record<string, unknown>;
}

/** The `Logger` interface over a winston logger; `child` adds metadata to every line. */
export class WinstonLogger implements Logger {
  constructor(readonly winston: winston.Logger) {}

  debug(message: string, meta?: Record<string, unknown>): void {
    this.log('debug', message, meta);
  }
  info(message: string, meta?: Record<string, unknown>): void {
    this.log('info', message, meta);
  }
  warn(message: string, meta?: Record<string, unknown>): void {
    this.log('warn', message, meta);
  }
  error(message: string, meta?: Record<string, unknown>): void {
    this.log('error', message, meta);
  }
  child(meta: Record<string, unknown>): Logger {
    return new WinstonLogger(this.winston.child(meta));
  }

  private log(level: string, message: string, meta: Record<string, unknown> = {}): void {
    // Built by hand rather than winston's log(level, msg, meta), which appends a `message`
    // field of meta to the text and lets meta overwrite the level.
    this.winston.log({ ...meta, level, message });
  }
}

function prettyLine(colors: boolean): winston.Logform.Format {
  return winston.format.printf((info) => {
    const { level, message, timestamp, ...rest } = info;
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    const lvl = colors ? level : level.toUpperCase().padEnd(5);
    return `${String(timestamp)} ${lvl} ${String(message)}${fields ? ` ${fields}` : ''}`;
  });
}

/**
 * The process logger: JSON lines by default, readable lines with `format: pretty`. Every
 * message and metadata value passes the redaction format first, so tokens, passwords and
 * session data never reach the output.
 *
 * @example
 * const log = createLogger(config.logging);
 * log.child({ network: 'irc' }).info('connected', { server: 'irc.libera.chat' });
 */
export function createLogger(
  config: Pick<Config['logging'], 'level' | 'format'>,
  options: LoggerOptions = {},
): WinstonLogger {
  const stream = options.stream ?? process.stdout;
  const colors = options.colors ?? (stream as { isTTY?: boolean }).isTTY === true;
  const { combine, timestamp, json, colorize } = winston.format;
  const output =
    config.format === 'pretty'
      ? combine(timestamp({ format: 'HH:mm:ss.SSS' }), ...(colors ? [colorize()] : []), prettyLine(colors))
      : combine(timestamp(), json());
  return new WinstonLogger(
    winston.createLogger({
      level: config.level,
      defaultMeta: options.meta,
      format: combine(redactFormat(), output),
      transports: [new winston.transports.Stream({ stream })],
    }),
  );
}

/**
 * A logger that drops everything, for tests and tools that need a `Logger`.
 *
 * @example
 * const ctx = { log: nullLogger, ... };
 */
export const nullLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nullLogger,
};
