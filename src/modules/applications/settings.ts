import type { Executor } from '../../platform/db/schema.ts';
import { DEFAULT_REVIEW_DAYS, DEFAULT_SUPPLEMENT_DAYS } from './domain/deadlines.ts';

/** Per-policy application settings; a policy without a row uses these defaults (docs/applications.md). */
export interface ApplicationSettings {
  reviewDays: number;
  supplementDays: number;
  allowedTypes: string[];
  maxFileBytes: number;
  /** False when the defaults apply. */
  custom: boolean;
}

export const DEFAULT_ALLOWED_TYPES = ['pdf', 'png', 'jpg', 'docx', 'xlsx'];
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Hard ceiling for any policy's per-file limit. */
export const MAX_FILE_BYTES_CEILING = 50 * 1024 * 1024;

export async function settingsFor(db: Executor, policyId: number): Promise<ApplicationSettings> {
  const row = await db.selectFrom('application_settings').selectAll().where('policy_id', '=', policyId).executeTakeFirst();
  if (!row) return { reviewDays: DEFAULT_REVIEW_DAYS, supplementDays: DEFAULT_SUPPLEMENT_DAYS, allowedTypes: [...DEFAULT_ALLOWED_TYPES], maxFileBytes: DEFAULT_MAX_FILE_BYTES, custom: false };
  return { reviewDays: row.review_days, supplementDays: row.supplement_days, allowedTypes: row.allowed_types, maxFileBytes: Number(row.max_file_bytes), custom: true };
}
