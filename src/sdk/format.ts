/**
 * Formatting helpers for modules building `RemotePart.html` or reading `MatrixMessage.html`.
 * Escape remote text with `escapeHtml` BEFORE adding markup; the core sanitises again anyway.
 *
 * @example
 * const html = `<strong>${escapeHtml(author)}</strong>: ${escapeHtml(text)}`;
 */
export { escapeHtml, pill, sanitizeHtml } from '../matrix/formatting';
