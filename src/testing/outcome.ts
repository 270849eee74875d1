import type { CheckStatus } from './types';

/** What a check returns: nothing when it passed plainly; a thrown error is a failure. */
export type Outcome = void | { readonly status: Exclude<CheckStatus, 'failed'>; readonly detail?: string };
