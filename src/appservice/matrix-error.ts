import type { Response } from 'express';

/** Answers with the Matrix error shape `{ errcode, error }`. */
export function matrixError(res: Response, status: number, errcode: string, error: string): void {
  res.status(status).json({ errcode, error });
}
