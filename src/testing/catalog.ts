/**
 * Every check the kit runs, in the order it runs them: later checks reuse the login, the portal
 * and the messages of earlier ones. A static list, so a test runner can name each check before
 * the run starts.
 */
import { checkReceiptOut, checkReplyIn, checkReplyOut, checkTypingOut } from './checks-presence';
import { checkRelationIn, checkRelationOut } from './checks-relations';
import { checkRestartIn, checkRestartOut } from './checks-restart';
import { checkLogin, checkOpenChat } from './checks-setup';
import { checkEcho, checkEscaping, checkTextIn, checkTextOut } from './checks-text';
import type { KitRun } from './kit-run';
import type { Outcome } from './outcome';
import type { Direction, Feature } from './types';

export interface CheckSpec {
  readonly feature: Feature;
  readonly direction: Direction;
  readonly title: string;
  /** Later checks cannot run without this one (the login, the portal). */
  readonly required?: boolean;
  readonly run: (k: KitRun) => Promise<Outcome>;
}

export const CHECKS: readonly CheckSpec[] = [
  {
    feature: 'login',
    direction: 'out',
    title: 'the login flow completes and connects',
    required: true,
    run: checkLogin,
  },
  {
    feature: 'chat',
    direction: 'out',
    title: 'a portal opens for the kit user',
    required: true,
    run: checkOpenChat,
  },
  {
    feature: 'text',
    direction: 'in',
    title: 'a remote message arrives from the right ghost',
    run: checkTextIn,
  },
  { feature: 'text', direction: 'out', title: 'a Matrix message reaches the remote side', run: checkTextOut },
  {
    feature: 'edits',
    direction: 'out',
    title: 'a Matrix edit reaches the remote side',
    run: (k) => checkRelationOut(k, 'edits'),
  },
  {
    feature: 'edits',
    direction: 'in',
    title: 'a remote edit arrives as m.replace',
    run: (k) => checkRelationIn(k, 'edits'),
  },
  {
    feature: 'reactions',
    direction: 'out',
    title: 'a Matrix reaction and its removal reach the remote side',
    run: (k) => checkRelationOut(k, 'reactions'),
  },
  {
    feature: 'reactions',
    direction: 'in',
    title: 'a remote reaction arrives as m.reaction',
    run: (k) => checkRelationIn(k, 'reactions'),
  },
  {
    feature: 'redactions',
    direction: 'out',
    title: 'a Matrix redaction reaches the remote side',
    run: (k) => checkRelationOut(k, 'redactions'),
  },
  {
    feature: 'redactions',
    direction: 'in',
    title: 'a remote deletion arrives as a redaction',
    run: (k) => checkRelationIn(k, 'redactions'),
  },
  {
    feature: 'replies',
    direction: 'out',
    title: 'a Matrix reply reaches the remote side as a reply',
    run: checkReplyOut,
  },
  {
    feature: 'replies',
    direction: 'in',
    title: 'a remote reply arrives with m.in_reply_to',
    run: checkReplyIn,
  },
  {
    feature: 'typing',
    direction: 'out',
    title: 'Matrix typing shows on the remote side',
    run: checkTypingOut,
  },
  {
    feature: 'receipts',
    direction: 'out',
    title: 'a Matrix read receipt marks the remote message read',
    run: checkReceiptOut,
  },
  {
    feature: 'echo',
    direction: 'in',
    title: 'the echo of a Matrix message is not bridged back',
    run: checkEcho,
  },
  { feature: 'escaping', direction: 'in', title: 'hostile remote text is escaped', run: checkEscaping },
  {
    feature: 'restart',
    direction: 'out',
    title: 'after a restart, the stored login still sends',
    run: checkRestartOut,
  },
  {
    feature: 'restart',
    direction: 'in',
    title: 'after a restart, remote events find the room and older messages',
    run: checkRestartIn,
  },
];

/** How a check is named in test output and failure lists. */
export const checkName = (c: { feature: Feature; direction: Direction; title: string }): string =>
  `${c.feature} ${c.direction === 'out' ? '(Matrix → remote)' : '(remote → Matrix)'}: ${c.title}`;
