export * from './uscc.ts';
export * from './industry.ts';
export * from './divisions.ts';
export { CodesError } from './errors.ts';
export type { CodesErrorCode } from './errors.ts';
