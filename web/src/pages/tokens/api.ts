import { api } from '../../api/client';
import type { Page } from '../../api/types';

export type TokenStatus = 'active' | 'expired' | 'revoked';
export const TOKEN_STATUSES: readonly TokenStatus[] = ['active', 'expired', 'revoked'];

export function isTokenStatus(v: string | undefined): v is TokenStatus {
  return v !== undefined && (TOKEN_STATUSES as readonly string[]).includes(v);
}

/** A token as lists show it: never the secret. */
export interface TokenRow {
  id: number;
  name: string;
  userId: number;
  username: string;
  displayName: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: TokenStatus;
}

export interface TokenFilter {
  q?: string;
  status?: TokenStatus;
}

/** The secret comes back once, here. */
export interface CreatedToken {
  id: number;
  token: string;
  name: string;
  expiresAt: string | null;
}

export interface NewToken {
  name: string;
  expiresInDays?: number;
  /** YYYY-MM-DD: valid through that day, Beijing time. */
  expiresAt?: string;
}

export function listOwnTokens(page: number, pageSize: number, filter: TokenFilter): Promise<Page<TokenRow>> {
  return api.get<Page<TokenRow>>('/api/v1/auth/tokens', { page, pageSize, q: filter.q, status: filter.status });
}

/** Admin: every user's tokens. */
export function listAllTokens(page: number, pageSize: number, filter: TokenFilter): Promise<Page<TokenRow>> {
  return api.get<Page<TokenRow>>('/api/v1/tokens', { page, pageSize, q: filter.q, status: filter.status });
}

export function createToken(input: NewToken): Promise<CreatedToken> {
  return api.post<CreatedToken>('/api/v1/auth/tokens', input);
}

export function revokeToken(id: number): Promise<{ id: number; alreadyRevoked: boolean }> {
  return api.delete<{ id: number; alreadyRevoked: boolean }>(`/api/v1/auth/tokens/${id}`);
}
