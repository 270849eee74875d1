/** Small helpers shared by the fake's modules. */

/** An empty bit field of one of discord-api-types' flag enums (which have no member equal to 0). */
export const noFlags = <T extends number>(): T => 0 as T;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
