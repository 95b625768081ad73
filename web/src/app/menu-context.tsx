import { createContext, useContext } from 'react';
import type { AppRoute } from '../routes';

// The routes the current user may open; provided by the layout so pages
// (e.g. home shortcuts) need not import the route table and form a cycle.
export const VisibleRoutesContext = createContext<readonly AppRoute[]>([]);

export function useVisibleRoutes(): readonly AppRoute[] {
  return useContext(VisibleRoutesContext);
}
