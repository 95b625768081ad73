import type { HolidayYearData } from '../types.ts';
import { HOLIDAYS_2023 } from './2023.ts';
import { HOLIDAYS_2024 } from './2024.ts';
import { HOLIDAYS_2025 } from './2025.ts';
import { HOLIDAYS_2026 } from './2026.ts';

export { HOLIDAYS_2023, HOLIDAYS_2024, HOLIDAYS_2025, HOLIDAYS_2026 };

/** Every year shipped with Qifu. A new year: add data/YYYY.ts and list it here (see docs/standards.md). */
export const BUILTIN_HOLIDAY_YEARS: readonly HolidayYearData[] = [HOLIDAYS_2023, HOLIDAYS_2024, HOLIDAYS_2025, HOLIDAYS_2026];
