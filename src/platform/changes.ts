/**
 * In-process change counters: a writer bumps its topic after commit, and a
 * cache elsewhere in the same process (the matching service) compares the
 * counter to know it must re-read the database now rather than at its next
 * periodic check. Not a message bus: other processes are caught by those
 * periodic checks, and nothing is lost if no one listens.
 */
const counters = new Map<string, number>();

export type ChangeTopic = 'enterprises' | 'policies' | 'attributes' | 'users' | 'calendar';

export function markChanged(topic: ChangeTopic): void {
  counters.set(topic, (counters.get(topic) ?? 0) + 1);
}

export function changeCounter(topic: ChangeTopic): number {
  return counters.get(topic) ?? 0;
}
